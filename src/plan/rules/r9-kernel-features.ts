/**
 * R9: the kernel version gates features. This file holds the rule's explanation (`dmaplan explain
 * R9`, docs/rules.md),
 * its sentences (each writer a type and a function of the same name), its
 * run-time checks (asked by validate.ts) and its type-level checks (the
 * feature gates below, read by the builder's strategy and attribute tables,
 * src/dsl/types/context.ts): both levels speak the sentence byte for byte.
 */
import type { DeviceIR, MapStep, PlatformIR } from '../ir.js'
import { kernelAtLeast } from '../kernel.js'
import type { KernelVersion } from '../kernel.js'
import { KERNEL_FEATURES } from '../kernel-changes.js'
import type { KernelFeature } from '../kernel-changes.js'
import type { Finding } from './finding.js'
import type { MappedRegion } from './walk.js'
import type { KernelAtLeast } from '../kernel.js'

export const R9 = {
  id: 'R9',
  title: 'the kernel version gates features',
  rule: `The kernel version gates features: DMA_ATTR_MMIO from ${KERNEL_FEATURES['attr-mmio'].since} (and so host-bridge P2P in an IOVA range), REQUIRE_COHERENT from ${KERNEL_FEATURES['attr-require-coherent'].since}, blk iterators from ${KERNEL_FEATURES['blk-dma-iter'].since}, hmm_dma_map from ${KERNEL_FEATURES['hmm-dma'].since}.`,
  why: 'Generated code must build and behave the same on the target kernel; a newer API would not link, and an older kernel maps P2P memory without MMIO semantics.',
  kernel: ['include/linux/dma-mapping.h', 'include/linux/blk-mq-dma.h', 'include/linux/hmm-dma.h'],
  instead: 'Target a newer kernel, or pick a strategy the target kernel has.',
} as const

export type writeKernelFeatureMessage<F extends string, D extends string, S extends KernelVersion, K extends KernelVersion> =
  `R9: ${F} for ${D} needs kernel ${S} or later, but this plan targets ${K}.`
export const writeKernelFeatureMessage = <F extends string, D extends string, S extends KernelVersion, K extends KernelVersion>(
  feature: F,
  device: D,
  since: S,
  kernel: K,
): writeKernelFeatureMessage<F, D, S, K> => `R9: ${feature} for ${device} needs kernel ${since} or later, but this plan targets ${kernel}.`

export type writeHostBridgeMmioMessage<R extends string, D extends string, S extends string, K extends KernelVersion> =
  `R9: ${R} is host-bridge P2P memory for ${D}, which ${S} links with DMA_ATTR_MMIO; that needs kernel 6.18 or later, but this plan targets ${K}. Use page or sg, or target 6.18+.`
export const writeHostBridgeMmioMessage = <R extends string, D extends string, S extends string, K extends KernelVersion>(
  region: R,
  device: D,
  strategy: S,
  kernel: K,
): writeHostBridgeMmioMessage<R, D, S, K> =>
  `R9: ${region} is host-bridge P2P memory for ${device}, which ${strategy} links with DMA_ATTR_MMIO; that needs kernel 6.18 or later, but this plan targets ${kernel}. Use page or sg, or target 6.18+.`

/** The run-time check of a map step's DMA attributes: one finding per attribute the target release does not have yet. */
export function checkAttrs(step: MapStep, client: DeviceIR, platform: PlatformIR): Finding<'R9'>[] {
  return step.attrs.flatMap((attr) => {
    const feature: KernelFeature | undefined =
      attr === 'DMA_ATTR_MMIO' ? 'attr-mmio' : attr === 'DMA_ATTR_REQUIRE_COHERENT' || attr === 'DMA_ATTR_DEBUGGING_IGNORE_CACHELINES' ? 'attr-require-coherent' : undefined
    if (feature === undefined || kernelAtLeast(platform.kernel, KERNEL_FEATURES[feature].since)) return []
    return [{ rule: R9.id, text: writeKernelFeatureMessage(attr, client.name, KERNEL_FEATURES[feature].since, platform.kernel) }]
  })
}

/** The run-time check of a mapped region: an IOVA range links host-bridge P2P memory with DMA_ATTR_MMIO, which the target release must have. */
export function checkHostBridgeMmio(at: MappedRegion): Finding<'R9'> | undefined {
  const { kernel } = at.plan.platform
  if (at.verdict !== 'mmio' || kernelAtLeast(kernel, KERNEL_FEATURES['attr-mmio'].since)) return undefined
  return { rule: R9.id, text: writeHostBridgeMmioMessage(at.region.name, at.client.name, at.step.strategy, kernel) }
}

/** The run-time check of a map step's strategy: the target release has the kernel API it calls (include/linux/hmm-dma.h, include/linux/blk-mq-dma.h). */
export function checkStrategyFeature(step: MapStep, feature: KernelFeature | undefined, client: DeviceIR, platform: PlatformIR): Finding<'R9'> | undefined {
  if (feature === undefined || kernelAtLeast(platform.kernel, KERNEL_FEATURES[feature].since)) return undefined
  return { rule: R9.id, text: writeKernelFeatureMessage(`strategy ${step.strategy}`, client.name, KERNEL_FEATURES[feature].since, platform.kernel) }
}

// ---- the type level: src/dsl/types/context.ts puts these in the builder's strategy table ----

/** The release that brought a feature this rule gates. */
export type Since<F extends KernelFeature> = (typeof KERNEL_FEATURES)[F]['since']

/** The target kernel K is V or later; a kernel the compiler cannot see is (the run-time check decides). */
export type TargetsAtLeast<K extends KernelVersion, V extends KernelVersion> = [K] extends [KernelAtLeast[V]]
  ? true
  : [KernelVersion] extends [K]
    ? true
    : false

/** Then when kernel K has feature F, else the sentence about What (a strategy or an attribute) for device D. */
export type FeatureGate<What extends string, F extends KernelFeature, K extends KernelVersion, D extends string, Then = 'ok'> =
  TargetsAtLeast<K, Since<F>> extends true ? Then : writeKernelFeatureMessage<What, D, Since<F>, K>

/** The sentence of an attribute A for device D whose feature F kernel K lacks; never when it has it. */
export type AttrGate<A extends string, F extends KernelFeature, K extends KernelVersion, D extends string> = FeatureGate<A, F, K, D, never>
