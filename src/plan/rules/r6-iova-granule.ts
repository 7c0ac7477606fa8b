/**
 * R6: no magic coalescing inside an IOVA range. This file holds the rule's explanation (`dmaplan explain
 * R6`, docs/rules.md) and its sentences: each writer is a type and a function
 * of the same name, so the type-level check (src/dsl/types) and the run-time
 * check below (asked by validate.ts) speak it byte for byte.
 */
import { granuleAlignment } from '../topology.js'
import type { Finding } from './finding.js'
import type { MappedRegion } from './walk.js'

export const R6 = {
  id: 'R6',
  title: 'no magic coalescing inside an IOVA range',
  rule: 'Inside one IOVA range only the first range may start off the IOMMU granule and only the last may end off it (no magic coalescing).',
  why: 'dma_iova_link() maps at state->addr + offset with granule-aligned sizes: a later range with a sub-granule offset is refused (WARN, -EIO) and a short interior range leaves a hole the device would read through.',
  kernel: ['drivers/iommu/dma-iommu.c: dma_iova_link(), iommu_dma_iova_link_swiotlb()'],
  instead: 'Align the interior ranges to the granule, or map the odd range in a transaction of its own.',
} as const

export type writeInteriorStartMessage<R extends string, G extends number, T extends string> =
  `R6: ${R} starts off the ${G}-byte IOMMU granule but is not the first range of IOVA transaction ${T}; only the first range may. Align it or map it in its own transaction.`
export const writeInteriorStartMessage = <R extends string, G extends number, T extends string>(
  region: R,
  granule: G,
  tx: T,
): writeInteriorStartMessage<R, G, T> =>
  `R6: ${region} starts off the ${granule}-byte IOMMU granule but is not the first range of IOVA transaction ${tx}; only the first range may. Align it or map it in its own transaction.`

export type writeInteriorEndMessage<R extends string, G extends number, T extends string> =
  `R6: ${R} ends off the ${G}-byte IOMMU granule but is not the last range of IOVA transaction ${T}; only the last range may. Align it or map it in its own transaction.`
export const writeInteriorEndMessage = <R extends string, G extends number, T extends string>(
  region: R,
  granule: G,
  tx: T,
): writeInteriorEndMessage<R, G, T> =>
  `R6: ${region} ends off the ${granule}-byte IOMMU granule but is not the last range of IOVA transaction ${tx}; only the last range may. Align it or map it in its own transaction.`

/** The run-time check of a mapped region: dma_iova_link() takes a sub-granule start only first and a sub-granule end only last. */
export function checkInteriorGranule(at: MappedRegion): Finding<'R6'> | undefined {
  if (at.step.strategy !== 'iova') return undefined
  const { granule } = at.plan.platform.iommu
  const { head, tail } = granuleAlignment(at.region, granule)
  if (at.index > 0 && !head) return { rule: R6.id, text: writeInteriorStartMessage(at.region.name, granule, at.step.tx) }
  if (at.index < at.regions.length - 1 && !tail) return { rule: R6.id, text: writeInteriorEndMessage(at.region.name, granule, at.step.tx) }
  return undefined
}
