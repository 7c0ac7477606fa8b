/**
 * R1: iova needs an IOMMU and 6.16. This file holds the rule's explanation (`dmaplan explain
 * R1`, docs/rules.md),
 * its sentences (each writer a type and a function of the same name), its
 * run-time check (asked by validate.ts) and its type-level check (IovaVerdict,
 * a cell of the builder's strategy table, src/dsl/types/context.ts): both
 * levels speak the sentence byte for byte.
 */
import type { DeviceIR, MapStep, PlatformIR } from '../ir.js'
import { kernelAtLeast } from '../kernel.js'
import { KERNEL_FEATURES } from '../kernel-changes.js'
import type { Finding } from './finding.js'
import type { IommuMode } from '../ir.js'
import type { KernelVersion } from '../kernel.js'
import type { Since, TargetsAtLeast } from './r9-kernel-features.js'

export const R1 = {
  id: 'R1',
  title: 'iova needs an IOMMU and 6.16',
  rule: 'iova needs a translating IOMMU on the device\'s platform and a kernel of 6.16 or later.',
  why: 'dma_iova_try_alloc() returns false unless the device is behind IOMMU-DMA (passthrough and no-IOMMU platforms use dma-direct), and the two-step API first shipped in 6.16.',
  kernel: ['drivers/iommu/dma-iommu.c: dma_iova_try_alloc()', 'include/linux/dma-mapping.h: dma_use_iova()'],
  instead: 'Use page or sg, or auto, which takes the IOVA path only where it exists.',
} as const

/** What device D's IOMMU is when it does not translate. */
export interface IommuWords<D extends string> {
  passthrough: `the IOMMU of ${D} is in passthrough mode`
  none: `${D} has no IOMMU`
}
export const iommuWords = <D extends string>(device: D): IommuWords<D> => ({
  passthrough: `the IOMMU of ${device} is in passthrough mode`,
  none: `${device} has no IOMMU`,
})

export type writeIovaNeedsIommuMessage<M extends IommuOff, D extends string> =
  `R1: strategy iova needs a translating IOMMU, but ${IommuWords<D>[M]}, so dma_iova_try_alloc() always fails. Use page, sg or auto.`
export const writeIovaNeedsIommuMessage = <M extends IommuOff, D extends string>(mode: M, device: D): writeIovaNeedsIommuMessage<M, D> =>
  `R1: strategy iova needs a translating IOMMU, but ${iommuWords(device)[mode]}, so dma_iova_try_alloc() always fails. Use page, sg or auto.`

export type writeIovaNeedsKernelMessage<K extends string, D extends string> =
  `R1: strategy iova needs kernel 6.16 or later (dma_iova_try_alloc) to map for ${D}, but this plan targets ${K}. Use page, sg or auto, or target 6.16+.`
export const writeIovaNeedsKernelMessage = <K extends string, D extends string>(kernel: K, device: D): writeIovaNeedsKernelMessage<K, D> =>
  `R1: strategy iova needs kernel 6.16 or later (dma_iova_try_alloc) to map for ${device}, but this plan targets ${kernel}. Use page, sg or auto, or target 6.16+.`

/** The IOMMU modes in which the device's DMA goes through dma-direct. */
type IommuOff = Exclude<IommuMode, 'translated'>

/** The run-time check of a map step: iova needs IOMMU-DMA (dma_iova_try_alloc()) and a release that has it. */
export function checkIovaNeedsIommu(step: MapStep, client: DeviceIR, platform: PlatformIR): Finding<'R1'> | undefined {
  if (step.strategy !== 'iova') return undefined
  if (platform.iommu.mode !== 'translated') return { rule: R1.id, text: writeIovaNeedsIommuMessage(platform.iommu.mode, client.name) }
  if (!kernelAtLeast(platform.kernel, KERNEL_FEATURES['dma-iova'].since)) return { rule: R1.id, text: writeIovaNeedsKernelMessage(platform.kernel, client.name) }
  return undefined
}

// ---- the type level: src/dsl/types/context.ts puts these in the builder's strategy table ----

/** Strategy iova for device D behind an IOMMU in mode M, for kernel K: 'ok' or this rule's sentence. */
export type IovaVerdict<M extends IommuMode, K extends KernelVersion, D extends string> = M extends 'translated'
  ? TargetsAtLeast<K, Since<'dma-iova'>> extends true
    ? 'ok'
    : writeIovaNeedsKernelMessage<K, D>
  : writeIovaNeedsIommuMessage<Exclude<M, 'translated'>, D>
