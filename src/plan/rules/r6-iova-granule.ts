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
  rule: 'Inside one IOVA range only the first range may start off the IOMMU granule and only the last may end off it (no magic coalescing). For an untrusted device the first range may start off it only where its min_align_mask keeps the offset through the bounce (checked at run time: a driver step can change the mask).',
  why: 'dma_iova_link() maps at state->addr + offset with granule-aligned sizes: a later range with a sub-granule offset is refused (WARN, -EIO) and a short interior range leaves a hole the device would read through.',
  kernel: ['drivers/iommu/dma-iommu.c: dma_iova_link(), iommu_dma_iova_link_swiotlb()', 'kernel/dma/swiotlb.c: swiotlb_align_offset()'],
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

// ---- the run time only: the device's min_align_mask can change between transactions (setMinAlignMask) ----

const hex = (n: number): string => `0x${n.toString(16)}`

export const writeBouncedFirstRangeMessage = (region: string, granule: number, device: string, tx: string, mask: number): string =>
  `R6: ${region} starts off the ${granule}-byte IOMMU granule as the first range of IOVA transaction ${tx}, and ${device} is untrusted: dma_iova_link() bounces it to a swiotlb slot that keeps only the offset bits of its min_align_mask (${hex(mask)}), so iommu_map() refuses the link (-EINVAL). Align it, or set a min_align_mask of at least ${hex(granule - 1)} before mapping.`

/**
 * The run-time check of an IOVA transaction's first range, for an untrusted
 * device behind the IOMMU: a range off the granule goes to swiotlb
 * (dma_iova_link(): dev_use_swiotlb() and iova_unaligned()), whose slot keeps
 * only the offset bits min_align_mask covers (swiotlb_align_offset()); the
 * link at bounce_phys - iova_start_pad is then off the granule, which
 * iommu_map() refuses (drivers/iommu/dma-iommu.c iommu_dma_iova_bounce_and_link()).
 * Host memory only: peer memory is never bounced.
 */
export function checkBouncedFirstRange(at: MappedRegion): Finding<'R6'> | undefined {
  const { platform } = at.plan
  if (at.step.strategy !== 'iova' || at.index !== 0 || at.kind !== 'normal' || at.client.trusted || platform.iommu.mode !== 'translated') return undefined
  const { granule } = platform.iommu
  const pad = Number((at.region.phys ?? at.region.offset) % BigInt(granule))
  if (pad === 0 || (pad & ~at.client.minAlignMask) === 0) return undefined
  return { rule: R6.id, text: writeBouncedFirstRangeMessage(at.region.name, granule, at.client.name, at.step.tx, at.client.minAlignMask) }
}
