/**
 * R6: no magic coalescing inside an IOVA range. This file holds the rule's explanation (`dmaplan explain
 * R6`, docs/rules.md),
 * its sentences (each writer a type and a function of the same name), its
 * run-time check (asked by validate.ts) and its type-level check
 * (GranuleVerdict, below, which src/dsl/types/checks.ts asks for each range):
 * both levels speak the sentence byte for byte.
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

export type writeInteriorStartMessage<R extends string, G extends number, T extends string, D extends string> =
  `R6: ${R} starts off the ${G}-byte IOMMU granule of ${D} but is not the first range of IOVA transaction ${T}; only the first range may. Align it or map it in its own transaction.`
export const writeInteriorStartMessage = <R extends string, G extends number, T extends string, D extends string>(
  region: R,
  granule: G,
  tx: T,
  device: D,
): writeInteriorStartMessage<R, G, T, D> =>
  `R6: ${region} starts off the ${granule}-byte IOMMU granule of ${device} but is not the first range of IOVA transaction ${tx}; only the first range may. Align it or map it in its own transaction.`

export type writeInteriorEndMessage<R extends string, G extends number, T extends string, D extends string> =
  `R6: ${R} ends off the ${G}-byte IOMMU granule of ${D} but is not the last range of IOVA transaction ${T}; only the last range may. Align it or map it in its own transaction.`
export const writeInteriorEndMessage = <R extends string, G extends number, T extends string, D extends string>(
  region: R,
  granule: G,
  tx: T,
  device: D,
): writeInteriorEndMessage<R, G, T, D> =>
  `R6: ${region} ends off the ${granule}-byte IOMMU granule of ${device} but is not the last range of IOVA transaction ${tx}; only the last range may. Align it or map it in its own transaction.`

/** The run-time check of a mapped region: dma_iova_link() takes a sub-granule start only first and a sub-granule end only last. */
export function checkInteriorGranule(at: MappedRegion): Finding<'R6'> | undefined {
  if (at.step.strategy !== 'iova') return undefined
  const { granule } = at.plan.platform.iommu
  const { head, tail } = granuleAlignment(at.region, granule)
  if (at.index > 0 && !head) return { rule: R6.id, text: writeInteriorStartMessage(at.region.name, granule, at.step.tx, at.client.name) }
  if (at.index < at.regions.length - 1 && !tail) return { rule: R6.id, text: writeInteriorEndMessage(at.region.name, granule, at.step.tx, at.client.name) }
  return undefined
}

/** A range as the type-level check sees it: its alignment is 'aligned', 'starts-off', 'ends-off', 'starts-off ends-off' or 'unknown'. */
interface AlignedRegion {
  readonly name: string
  readonly alignment: string
}

// ---- the type level: src/dsl/types/checks.ts puts these in the builder's parameter types ----

/** The index of a tuple's last element, as the builder's tuple keys spell it ('0', '1', ...). */
type LastIndex<R extends readonly unknown[]> = R extends readonly [unknown, ...infer T] ? `${T['length']}` : never

/**
 * Range Rg, at index I of the ranges R of an IOVA transaction N of device D,
 * by its name and its alignment to granule G: 'ok', or the sentence. The last index is
 * taken only for a range off the granule.
 */
export type GranuleVerdict<Rg extends AlignedRegion, I, R extends readonly unknown[], G extends number, N extends string, D extends string> = Rg['alignment'] extends
  | 'aligned'
  | 'unknown'
  ? 'ok'
  : I extends '0'
    ? Rg['alignment'] extends 'starts-off'
      ? 'ok'
      : I extends LastIndex<R>
        ? 'ok'
        : writeInteriorEndMessage<Rg['name'], G, N, D>
    : Rg['alignment'] extends 'ends-off'
      ? I extends LastIndex<R>
        ? 'ok'
        : writeInteriorEndMessage<Rg['name'], G, N, D>
      : writeInteriorStartMessage<Rg['name'], G, N, D>
