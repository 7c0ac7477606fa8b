/**
 * R6: no magic coalescing inside an IOVA range. This file holds the rule's explanation (`dmaplan explain
 * R6`, docs/rules.md),
 * its sentences (each writer a type and a function of the same name), its
 * run-time check (asked by validate.ts) and its type-level check
 * (GranuleVerdict, below, which src/dsl/types/checks.ts asks for each range):
 * both levels speak the sentence byte for byte.
 */
import type { DeviceIR, IommuMode, MapStep, PlatformIR } from '../ir.js'
import { kernelAtLeast } from '../kernel.js'
import { KERNEL_FEATURES } from '../kernel-changes.js'
import { PAGE_SIZE } from '../kernel-consts.js'
import { granuleAlignment } from '../topology.js'
import type { Finding } from './finding.js'
import type { MappedRegion } from './walk.js'

export const R6 = {
  id: 'R6',
  title: 'no magic coalescing inside an IOVA range',
  rule: 'Inside one IOVA range only the first range may start off the IOMMU granule and only the last may end off it (no magic coalescing). For an untrusted device the first range may start off it only where its min_align_mask keeps the offset through the bounce (the types refuse a mask of 0; what other masks keep of an offset is checked at run time), and host-bridge P2P memory, which is never bounced, must not be off it at all. hmm, which links each page at its own offset of one IOVA range, needs an IOMMU granule of one page.',
  why: 'dma_iova_link() maps at state->addr + offset with granule-aligned sizes: a later range with a sub-granule offset is refused (WARN, -EIO) and a short interior range leaves a hole the device would read through.',
  kernel: ['drivers/iommu/dma-iommu.c: dma_iova_link(), iommu_dma_iova_link_swiotlb()', 'kernel/dma/swiotlb.c: swiotlb_align_offset()', 'mm/hmm.c: hmm_dma_map_pfn()'],
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

export type writeHmmGranuleMessage<G extends number, D extends string> =
  `R6: strategy hmm links each 4096-byte page at its own offset of one IOVA range, but the IOMMU granule of ${D} is ${G} bytes, so dma_iova_link() refuses every page after the first whose frame is off the granule (-EIO). Use page, sg or auto, or a granule of 4096.`
export const writeHmmGranuleMessage = <G extends number, D extends string>(granule: G, device: D): writeHmmGranuleMessage<G, D> =>
  `R6: strategy hmm links each 4096-byte page at its own offset of one IOVA range, but the IOMMU granule of ${device} is ${granule} bytes, so dma_iova_link() refuses every page after the first whose frame is off the granule (-EIO). Use page, sg or auto, or a granule of 4096.`

/**
 * The run-time check of an hmm map step: hmm_dma_map_pfn() links page idx at
 * idx * PAGE_SIZE of the IOVA range (mm/hmm.c), and dma_iova_link() refuses
 * an offset past 0 whose frame is off the granule (WARN, -EIO;
 * drivers/iommu/dma-iommu.c). Only behind a translating IOMMU: elsewhere
 * HMM maps each page with dma_map_phys().
 */
export function checkHmmGranule(step: MapStep, client: DeviceIR, platform: PlatformIR): Finding<'R6'> | undefined {
  if (step.strategy !== 'hmm' || platform.iommu.mode !== 'translated' || platform.iommu.granule <= PAGE_SIZE) return undefined
  return { rule: R6.id, text: writeHmmGranuleMessage(platform.iommu.granule, client.name) }
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

/**
 * Strategy hmm for device D behind an IOMMU in mode M with granule G, once
 * the checks before it (Prev) said 'ok': 'ok' or this rule's sentence. An
 * unknown granule (number) is left to the run time.
 */
export type HmmGranuleVerdict<M extends IommuMode, G extends number, D extends string, Prev> = Prev extends 'ok'
  ? M extends 'translated'
    ? number extends G
      ? 'ok'
      : G extends 4096
        ? 'ok'
        : writeHmmGranuleMessage<G, D>
    : 'ok'
  : Prev

// ---- an untrusted device's bounce: the type level decides where the literals tell, the run time always ----

const hex = (n: number): string => `0x${n.toString(16)}`

/** granule - 1 in hex, as the sentence names the least mask that keeps every offset. */
interface GranuleMask {
  readonly 4096: '0xfff'
  readonly 16384: '0x3fff'
  readonly 65536: '0xffff'
}

export type writeBouncedFirstRangeMessage<R extends string, G extends number, D extends string, T extends string, Mask extends string> =
  `R6: ${R} starts off the ${G}-byte IOMMU granule as the first range of IOVA transaction ${T}, and ${D} is untrusted: its swiotlb bounce slot keeps only the offset bits of min_align_mask (${Mask}), so dma_iova_link() fails (-EINVAL). Align it, or set a min_align_mask of at least ${GranuleMask[G & keyof GranuleMask]} first.`
export const writeBouncedFirstRangeMessage = (region: string, granule: number, device: string, tx: string, mask: number): string =>
  `R6: ${region} starts off the ${granule}-byte IOMMU granule as the first range of IOVA transaction ${tx}, and ${device} is untrusted: its swiotlb bounce slot keeps only the offset bits of min_align_mask (${hex(mask)}), so dma_iova_link() fails (-EINVAL). Align it, or set a min_align_mask of at least ${hex(granule - 1)} first.`

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
  const mmio = checkBouncedMmio(at)
  if (mmio !== undefined) return mmio
  const { platform } = at.plan
  if (at.step.strategy !== 'iova' || at.index !== 0 || at.kind !== 'normal' || at.client.trusted || platform.iommu.mode !== 'translated') return undefined
  const { granule } = platform.iommu
  const pad = Number((at.region.phys ?? at.region.offset) % BigInt(granule))
  if (pad === 0 || (pad & ~at.client.minAlignMask) === 0) return undefined
  return { rule: R6.id, text: writeBouncedFirstRangeMessage(at.region.name, granule, at.client.name, at.step.tx, at.client.minAlignMask) }
}

export type writeBouncedMmioMessage<R extends string, G extends number, D extends string, T extends string> =
  `R6: ${R} is host-bridge P2P memory off the ${G}-byte IOMMU granule, and ${D} is untrusted: dma_iova_link() would bounce it for IOVA transaction ${T}, and it refuses to bounce DMA_ATTR_MMIO (-EPERM). Align it to the granule, or map it with another strategy.`
export const writeBouncedMmioMessage = <R extends string, G extends number, D extends string, T extends string>(
  region: R,
  granule: G,
  device: D,
  tx: T,
): writeBouncedMmioMessage<R, G, D, T> =>
  `R6: ${region} is host-bridge P2P memory off the ${granule}-byte IOMMU granule, and ${device} is untrusted: dma_iova_link() would bounce it for IOVA transaction ${tx}, and it refuses to bounce DMA_ATTR_MMIO (-EPERM). Align it to the granule, or map it with another strategy.`

/**
 * The run-time check of a host-bridge P2P range of an IOVA transaction, for
 * an untrusted device: a link whose frame or length is off the granule
 * would bounce (dev_use_swiotlb(), iova_unaligned()), and dma_iova_link()
 * refuses that for DMA_ATTR_MMIO with -EPERM (drivers/iommu/dma-iommu.c),
 * which host-bridge P2P memory is linked with from 6.18.
 */
function checkBouncedMmio(at: MappedRegion): Finding<'R6'> | undefined {
  const { platform } = at.plan
  if (at.step.strategy !== 'iova' || at.kind !== 'p2p-host-bridge' || at.client.trusted || platform.iommu.mode !== 'translated') return undefined
  if (!kernelAtLeast(platform.kernel, KERNEL_FEATURES['attr-mmio'].since)) return undefined
  const { head, tail } = granuleAlignment(at.region, platform.iommu.granule)
  if (head && tail) return undefined
  return { rule: R6.id, text: writeBouncedMmioMessage(at.region.name, platform.iommu.granule, at.client.name, at.step.tx) }
}

/**
 * The type-level twin of checkBouncedFirstRange(), asked once the granule
 * check (GranuleVerdict) said 'ok': range Rg of kind Kind at index I of IOVA
 * transaction N, for device D that is untrusted (Untrusted), on a kernel
 * that links host-bridge P2P memory with DMA_ATTR_MMIO (Mmio), with
 * min_align_mask Mask at the map. Host-bridge P2P memory off the granule is
 * refused wherever it is; host memory only as the first range, starting
 * off the granule with a mask of 0 (it keeps no offset bit). A mask the
 * compiler cannot see, or one that keeps some bits, is left to the run
 * time, which knows the offset.
 */
export type BouncedVerdict<
  Rg extends AlignedRegion,
  Kind extends string,
  I,
  G extends number,
  N extends string,
  D extends string,
  Untrusted extends boolean,
  Mmio extends boolean,
  Mask extends number,
> = [Untrusted] extends [true]
  ? Rg['alignment'] extends 'aligned' | 'unknown'
    ? 'ok'
    : Kind extends 'p2p-host-bridge'
      ? [Mmio] extends [true]
        ? writeBouncedMmioMessage<Rg['name'], G, D, N>
        : 'ok'
      : Kind extends 'normal'
        ? I extends '0'
          ? Rg['alignment'] extends 'ends-off'
            ? 'ok'
            : [Mask] extends [0]
              ? writeBouncedFirstRangeMessage<Rg['name'], G, D, N, '0x0'>
              : 'ok'
          : 'ok'
        : 'ok'
  : 'ok'
