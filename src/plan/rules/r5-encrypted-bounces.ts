/**
 * R5: encrypted memory only bounces. This file holds the rule's explanation (`dmaplan explain
 * R5`, docs/rules.md),
 * its sentences (each writer a type and a function of the same name), its
 * run-time checks (asked by validate.ts) and its type-level checks (its cells
 * of the kind table, verdicts.ts, and HmmDeviceVerdict below, a cell of the
 * builder's strategy table): both levels speak the sentence byte for byte.
 */
import type { DeviceIR, MapStep, PlatformIR } from '../ir.js'
import type { Finding } from './finding.js'
import type { MappedRegion } from './walk.js'
import type { HmmRefusal, HmmRefusalWords } from './words.js'
import { HMM_REFUSAL_WORDS } from './words.js'

export const R5 = {
  id: 'R5',
  title: 'encrypted memory only bounces',
  rule: 'Encrypted memory on a confidential guest can only be mapped through swiotlb; iova and hmm refuse it (HMM refuses devices that need bouncing or cache maintenance).',
  why: 'Private guest memory is invisible to devices, so dma-direct forces swiotlb (SWIOTLB_FORCE) and copies through decrypted bounce slots; the IOVA API never bounces whole ranges and hmm_dma_map_alloc() returns -EOPNOTSUPP for devices that need syncs. Behind a translating IOMMU nothing bounces it: iommu-dma asks dev_use_swiotlb(), which looks only at untrusted devices and kmalloc alignment, so the device would read ciphertext.',
  kernel: ['kernel/dma/direct.h: dma_direct_map_phys()', 'mm/hmm.c: hmm_dma_map_alloc()', 'kernel/dma/swiotlb.c', 'drivers/iommu/dma-iommu.c: dev_use_swiotlb(), iommu_dma_map_phys()'],
  instead: 'Use page, sg, blk or auto (they bounce), or map memory the guest has shared with the host.',
} as const

export type writeEncryptedMessage<R extends string, D extends string, S extends string> =
  `R5: ${R} is private memory of a confidential guest: ${D} reaches it only through a swiotlb bounce, which ${S} never does. Use page, sg, blk or auto, or share the memory.`
export const writeEncryptedMessage = <R extends string, D extends string, S extends string>(
  region: R,
  device: D,
  strategy: S,
): writeEncryptedMessage<R, D, S> =>
  `R5: ${region} is private memory of a confidential guest: ${device} reaches it only through a swiotlb bounce, which ${strategy} never does. Use page, sg, blk or auto, or share the memory.`

export type writeEncryptedIommuMessage<R extends string, D extends string, S extends string> =
  `R5: ${R} is private memory of a confidential guest, and behind the IOMMU ${S} maps it without a bounce (iommu-dma bounces only for untrusted devices and unaligned kmalloc buffers), so ${D} would read ciphertext. Share the memory with the host (shared: true).`
export const writeEncryptedIommuMessage = <R extends string, D extends string, S extends string>(
  region: R,
  device: D,
  strategy: S,
): writeEncryptedIommuMessage<R, D, S> =>
  `R5: ${region} is private memory of a confidential guest, and behind the IOMMU ${strategy} maps it without a bounce (iommu-dma bounces only for untrusted devices and unaligned kmalloc buffers), so ${device} would read ciphertext. Share the memory with the host (shared: true).`

export type writeEncryptedIommuAllocMessage<R extends string, D extends string, S extends string, K extends string> =
  `R5: ${S} allocates ${R} shared, as a confidential guest must, and from 7.3 IOMMU-DMA refuses that behind a translating IOMMU: dma_alloc_coherent() returns NULL for ${D} on ${K}. Nothing maps private memory there; use an IOMMU in passthrough or none.`
export const writeEncryptedIommuAllocMessage = <R extends string, D extends string, S extends string, K extends string>(
  region: R,
  device: D,
  strategy: S,
  kernel: K,
): writeEncryptedIommuAllocMessage<R, D, S, K> =>
  `R5: ${strategy} allocates ${region} shared, as a confidential guest must, and from 7.3 IOMMU-DMA refuses that behind a translating IOMMU: dma_alloc_coherent() returns NULL for ${device} on ${kernel}. Nothing maps private memory there; use an IOMMU in passthrough or none.`

export type writeHmmRefusesMessage<D extends string, W extends HmmRefusal> =
  `R5: hmm refuses ${D}: ${HmmRefusalWords[W]}, and HMM refuses devices that need bouncing or cache maintenance. Use page or sg.`
export const writeHmmRefusesMessage = <D extends string, W extends HmmRefusal>(device: D, why: W): writeHmmRefusesMessage<D, W> =>
  `R5: hmm refuses ${device}: ${HMM_REFUSAL_WORDS[why]}, and HMM refuses devices that need bouncing or cache maintenance. Use page or sg.`

/** The run-time check of an hmm map step: hmm_dma_map_alloc() refuses devices that need syncs or bouncing (mm/hmm.c). */
export function checkHmmDevice(step: MapStep, client: DeviceIR, platform: PlatformIR): Finding<'R5'> | undefined {
  if (step.strategy !== 'hmm') return undefined
  if (!client.coherent) return { rule: R5.id, text: writeHmmRefusesMessage(client.name, 'non-coherent') }
  if (platform.coco) return { rule: R5.id, text: writeHmmRefusesMessage(client.name, 'coco') }
  return undefined
}

/** The run-time check of a mapped region: private guest memory under a strategy that never bounces (kernel/dma/direct.h dma_direct_map_phys()). */
export function checkEncrypted(at: MappedRegion): Finding<'R5'> | undefined {
  if (at.verdict === 'encrypted') return { rule: R5.id, text: writeEncryptedMessage(at.region.name, at.client.name, at.step.strategy) }
  // Behind a translating IOMMU nothing bounces it (drivers/iommu/dma-iommu.c dev_use_swiotlb()): regionVerdict().
  if (at.verdict === 'encrypted-iommu') return { rule: R5.id, text: writeEncryptedIommuMessage(at.region.name, at.client.name, at.step.strategy) }
  if (at.verdict === 'encrypted-iommu-alloc')
    return { rule: R5.id, text: writeEncryptedIommuAllocMessage(at.region.name, at.client.name, at.step.strategy, at.plan.platform.kernel) }
  return undefined
}

// ---- the type level: src/dsl/types/context.ts puts these in the builder's strategy table ----

/** Strategy hmm for device D: 'ok', or the sentence when it is not coherent or sits in a confidential guest. */
export type HmmDeviceVerdict<D extends string, Coherent extends boolean, Coco extends boolean> = Coherent extends false
  ? writeHmmRefusesMessage<D, 'non-coherent'>
  : Coco extends true
    ? writeHmmRefusesMessage<D, 'coco'>
    : 'ok'
