/**
 * The sentences of rules R1-R9, written once for both worlds.
 *
 * Each writer is a type and a function of the same name: the type-level rule
 * in src/dsl/types builds its diagnostic with the type, the run-time validator
 * calls the function, and the compiler checks that the function returns
 * exactly the type. A rule's wording therefore cannot drift between the editor
 * and a JSON plan.
 *
 * Every sentence starts with the rule id and names the memory, the device or
 * the transaction first, so that it reads well in the first 160 characters of
 * a diagnostic.
 */
import type { Direction } from '../ir.js'
import type { KernelVersion } from '../kernel.js'

/** What a region is for one device (resolved from the platform's topology). */
export type MemoryKind = 'normal' | 'p2p-bus' | 'p2p-host-bridge' | 'p2p-unsupported' | 'encrypted'

export interface KindWords {
  normal: 'host memory'
  'p2p-bus': 'bus-address P2P memory'
  'p2p-host-bridge': 'host-bridge P2P memory'
  'p2p-unsupported': 'unreachable P2P memory'
  encrypted: 'encrypted guest memory'
}
export const KIND_WORDS: KindWords = {
  normal: 'host memory',
  'p2p-bus': 'bus-address P2P memory',
  'p2p-host-bridge': 'host-bridge P2P memory',
  'p2p-unsupported': 'unreachable P2P memory',
  encrypted: 'encrypted guest memory',
}

export interface DirWords {
  'to-device': 'DMA_TO_DEVICE'
  'from-device': 'DMA_FROM_DEVICE'
  bidirectional: 'DMA_BIDIRECTIONAL'
}
export const DIR_WORDS: DirWords = {
  'to-device': 'DMA_TO_DEVICE',
  'from-device': 'DMA_FROM_DEVICE',
  bidirectional: 'DMA_BIDIRECTIONAL',
}

/** Why a P2P provider is out of a client's reach (docs/kernel-behaviour.md K-P3, K-P4, K-P8). */
export type P2pUnreachable = 'no-common-switch' | 'acs-redirect' | 'coco' | 'not-pci'
export interface UnreachableWords {
  'not-pci': 'P2P DMA needs PCI devices on both ends'
  'no-common-switch': 'they share no PCI switch and the host bridge does not allow P2P'
  'acs-redirect': 'ACS redirects their traffic to the root complex and the host bridge does not allow P2P'
  coco: 'P2P DMA is not supported in a confidential guest'
}
export const UNREACHABLE_WORDS: UnreachableWords = {
  'not-pci': 'P2P DMA needs PCI devices on both ends',
  'no-common-switch': 'they share no PCI switch and the host bridge does not allow P2P',
  'acs-redirect': 'ACS redirects their traffic to the root complex and the host bridge does not allow P2P',
  coco: 'P2P DMA is not supported in a confidential guest',
}

/** Why CPU and device views of a mapping differ until a sync. */
export type SyncReason = 'bounced' | 'non-coherent'
export type SyncWords<D extends string> = {
  bounced: 'bounced through swiotlb'
  'non-coherent': `mapped for ${D}, which is not DMA-coherent`
}
const syncWords = <D extends string>(device: D): SyncWords<D> => ({
  bounced: 'bounced through swiotlb',
  'non-coherent': `mapped for ${device}, which is not DMA-coherent`,
})

/** Why HMM refuses a device (hmm_dma_map_alloc returns -EOPNOTSUPP). */
export type HmmRefusal = 'non-coherent' | 'coco'
export interface HmmRefusalWords {
  'non-coherent': 'it is not DMA-coherent'
  coco: 'memory of a confidential guest must bounce'
}
export const HMM_REFUSAL_WORDS: HmmRefusalWords = {
  'non-coherent': 'it is not DMA-coherent',
  coco: 'memory of a confidential guest must bounce',
}

// R1 ---------------------------------------------------------------------------------------

export interface IommuWords {
  passthrough: 'in passthrough mode'
  none: 'absent'
}
export const IOMMU_WORDS: IommuWords = { passthrough: 'in passthrough mode', none: 'absent' }

export type writeIovaNeedsIommuMessage<M extends keyof IommuWords> =
  `R1: strategy iova needs a translating IOMMU, but this platform's IOMMU is ${IommuWords[M]}, so dma_iova_try_alloc() always fails. Use page, sg or auto.`
export const writeIovaNeedsIommuMessage = <M extends keyof IommuWords>(mode: M): writeIovaNeedsIommuMessage<M> =>
  `R1: strategy iova needs a translating IOMMU, but this platform's IOMMU is ${IOMMU_WORDS[mode]}, so dma_iova_try_alloc() always fails. Use page, sg or auto.`

export type writeIovaNeedsKernelMessage<K extends string> =
  `R1: strategy iova needs kernel 6.16 or later (dma_iova_try_alloc), but this plan targets ${K}. Use page, sg or auto, or target 6.16+.`
export const writeIovaNeedsKernelMessage = <K extends string>(kernel: K): writeIovaNeedsKernelMessage<K> =>
  `R1: strategy iova needs kernel 6.16 or later (dma_iova_try_alloc), but this plan targets ${kernel}. Use page, sg or auto, or target 6.16+.`

// R2 ---------------------------------------------------------------------------------------

export type writeMixedKindsMessage<
  T extends string,
  S extends string,
  A extends string,
  KA extends MemoryKind,
  B extends string,
  KB extends MemoryKind,
> = `R2: ${T} is a uniform ${S} transaction but mixes ${KindWords[KA]} ${A} with ${KindWords[KB]} ${B}; split it into one transaction per memory kind.`
export const writeMixedKindsMessage = <
  T extends string,
  S extends string,
  A extends string,
  KA extends MemoryKind,
  B extends string,
  KB extends MemoryKind,
>(
  tx: T,
  strategy: S,
  first: A,
  firstKind: KA,
  region: B,
  kind: KB,
): writeMixedKindsMessage<T, S, A, KA, B, KB> =>
  `R2: ${tx} is a uniform ${strategy} transaction but mixes ${KIND_WORDS[firstKind]} ${first} with ${KIND_WORDS[kind]} ${region}; split it into one transaction per memory kind.`

export type writeCoherentHostOnlyMessage<R extends string, K extends MemoryKind> =
  `R2: strategy coherent allocates host memory with dma_alloc_coherent(), but ${R} is ${KindWords[K]}; map P2P memory with page, sg, iova or auto.`
export const writeCoherentHostOnlyMessage = <R extends string, K extends MemoryKind>(region: R, kind: K): writeCoherentHostOnlyMessage<R, K> =>
  `R2: strategy coherent allocates host memory with dma_alloc_coherent(), but ${region} is ${KIND_WORDS[kind]}; map P2P memory with page, sg, iova or auto.`

// R3 ---------------------------------------------------------------------------------------

export type writeBusAddressMessage<R extends string, P extends string, D extends string, S extends string> =
  `R3: ${R} is P2P memory of ${P} that ${D} reaches by PCI bus address; it is never linked into an IOVA range nor bounced, so ${S} cannot map it. Use p2p-bus, hmm, sg, blk or auto.`
export const writeBusAddressMessage = <R extends string, P extends string, D extends string, S extends string>(
  region: R,
  provider: P,
  device: D,
  strategy: S,
): writeBusAddressMessage<R, P, D, S> =>
  `R3: ${region} is P2P memory of ${provider} that ${device} reaches by PCI bus address; it is never linked into an IOVA range nor bounced, so ${strategy} cannot map it. Use p2p-bus, hmm, sg, blk or auto.`

export type writeBusOnlyMessage<R extends string, K extends MemoryKind, D extends string> =
  `R3: strategy p2p-bus maps only P2P memory reached by PCI bus address, but ${R} is ${KindWords[K]} for ${D}. Use iova, page, sg or auto.`
export const writeBusOnlyMessage = <R extends string, K extends MemoryKind, D extends string>(
  region: R,
  kind: K,
  device: D,
): writeBusOnlyMessage<R, K, D> =>
  `R3: strategy p2p-bus maps only P2P memory reached by PCI bus address, but ${region} is ${KIND_WORDS[kind]} for ${device}. Use iova, page, sg or auto.`

// R4 ---------------------------------------------------------------------------------------

export type writeP2pUnsupportedMessage<R extends string, P extends string, D extends string, W extends P2pUnreachable> =
  `R4: ${R} is P2P memory of ${P} that ${D} cannot reach: ${UnreachableWords[W]}. No strategy can map it.`
export const writeP2pUnsupportedMessage = <R extends string, P extends string, D extends string, W extends P2pUnreachable>(
  region: R,
  provider: P,
  device: D,
  why: W,
): writeP2pUnsupportedMessage<R, P, D, W> =>
  `R4: ${region} is P2P memory of ${provider} that ${device} cannot reach: ${UNREACHABLE_WORDS[why]}. No strategy can map it.`

// R5 ---------------------------------------------------------------------------------------

export type writeEncryptedMessage<R extends string, D extends string, S extends string> =
  `R5: ${R} is private memory of a confidential guest: ${D} reaches it only through a swiotlb bounce, which ${S} never does. Use page, sg, blk or auto, or share the memory.`
export const writeEncryptedMessage = <R extends string, D extends string, S extends string>(
  region: R,
  device: D,
  strategy: S,
): writeEncryptedMessage<R, D, S> =>
  `R5: ${region} is private memory of a confidential guest: ${device} reaches it only through a swiotlb bounce, which ${strategy} never does. Use page, sg, blk or auto, or share the memory.`

export type writeHmmRefusesMessage<D extends string, W extends HmmRefusal> =
  `R5: hmm refuses ${D}: ${HmmRefusalWords[W]}, and HMM refuses devices that need bouncing or cache maintenance. Use page or sg.`
export const writeHmmRefusesMessage = <D extends string, W extends HmmRefusal>(device: D, why: W): writeHmmRefusesMessage<D, W> =>
  `R5: hmm refuses ${device}: ${HMM_REFUSAL_WORDS[why]}, and HMM refuses devices that need bouncing or cache maintenance. Use page or sg.`

// R6 ---------------------------------------------------------------------------------------

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

// R7 ---------------------------------------------------------------------------------------

export type writeDeviceWriteDirMessage<T extends string, D extends Direction> =
  `R7: the device writes through ${T}, which is mapped ${DirWords[D]}; device writes need DMA_FROM_DEVICE or DMA_BIDIRECTIONAL.`
export const writeDeviceWriteDirMessage = <T extends string, D extends Direction>(tx: T, dir: D): writeDeviceWriteDirMessage<T, D> =>
  `R7: the device writes through ${tx}, which is mapped ${DIR_WORDS[dir]}; device writes need DMA_FROM_DEVICE or DMA_BIDIRECTIONAL.`

export type writeDeviceReadDirMessage<T extends string, D extends Direction> =
  `R7: the device reads through ${T}, which is mapped ${DirWords[D]}; device reads need DMA_TO_DEVICE or DMA_BIDIRECTIONAL.`
export const writeDeviceReadDirMessage = <T extends string, D extends Direction>(tx: T, dir: D): writeDeviceReadDirMessage<T, D> =>
  `R7: the device reads through ${tx}, which is mapped ${DIR_WORDS[dir]}; device reads need DMA_TO_DEVICE or DMA_BIDIRECTIONAL.`

export type writeSyncForCpuMessage<R extends string, T extends string, W extends SyncReason, D extends string> =
  `R7: the CPU reads ${R} after the device wrote it through ${T}, which is ${SyncWords<D>[W]}; call syncForCpu('${T}') first.`
export const writeSyncForCpuMessage = <R extends string, T extends string, W extends SyncReason, D extends string>(
  region: R,
  tx: T,
  why: W,
  device: D,
): writeSyncForCpuMessage<R, T, W, D> =>
  `R7: the CPU reads ${region} after the device wrote it through ${tx}, which is ${syncWords(device)[why]}; call syncForCpu('${tx}') first.`

export type writeSyncForDeviceMessage<R extends string, T extends string, W extends SyncReason, D extends string> =
  `R7: the device reads ${R} through ${T} after the CPU wrote it, but ${T} is ${SyncWords<D>[W]}; call syncForDevice('${T}') first.`
export const writeSyncForDeviceMessage = <R extends string, T extends string, W extends SyncReason, D extends string>(
  region: R,
  tx: T,
  why: W,
  device: D,
): writeSyncForDeviceMessage<R, T, W, D> =>
  `R7: the device reads ${region} through ${tx} after the CPU wrote it, but ${tx} is ${syncWords(device)[why]}; call syncForDevice('${tx}') first.`

export type writeHmmBidirectionalMessage<T extends string, D extends Direction> =
  `R7: hmm maps every page DMA_BIDIRECTIONAL (hmm_dma_map_pfn), so transaction ${T} cannot be mapped ${DirWords[D]}.`
export const writeHmmBidirectionalMessage = <T extends string, D extends Direction>(tx: T, dir: D): writeHmmBidirectionalMessage<T, D> =>
  `R7: hmm maps every page DMA_BIDIRECTIONAL (hmm_dma_map_pfn), so transaction ${tx} cannot be mapped ${DIR_WORDS[dir]}.`

// R8 ---------------------------------------------------------------------------------------

export type writeNotMappedMessage<T extends string> =
  `R8: transaction ${T} is not mapped here; map it with .transaction('${T}', ...) before any access, sync or unmap.`
export const writeNotMappedMessage = <T extends string>(tx: T): writeNotMappedMessage<T> =>
  `R8: transaction ${tx} is not mapped here; map it with .transaction('${tx}', ...) before any access, sync or unmap.`

export type writeAlreadyUnmappedMessage<T extends string> =
  `R8: transaction ${T} is already unmapped; no access, sync or unmap may follow its unmap (a double unmap is a bug).`
export const writeAlreadyUnmappedMessage = <T extends string>(tx: T): writeAlreadyUnmappedMessage<T> =>
  `R8: transaction ${tx} is already unmapped; no access, sync or unmap may follow its unmap (a double unmap is a bug).`

export type writeDuplicateTxMessage<T extends string> =
  `R8: transaction ${T} already exists in this plan; give every mapping a name of its own.`
export const writeDuplicateTxMessage = <T extends string>(tx: T): writeDuplicateTxMessage<T> =>
  `R8: transaction ${tx} already exists in this plan; give every mapping a name of its own.`

export type writeStillMappedMessage<T extends string> =
  `R8: the plan ends with transaction ${T} still mapped; unmap it, or call .keep('${T}') to keep the mapping on purpose.`
export const writeStillMappedMessage = <T extends string>(tx: T): writeStillMappedMessage<T> =>
  `R8: the plan ends with transaction ${tx} still mapped; unmap it, or call .keep('${tx}') to keep the mapping on purpose.`

export type writeNotInTxMessage<R extends string, T extends string> =
  `R8: ${R} is not mapped by transaction ${T}; the device reaches memory only through a transaction that maps it.`
export const writeNotInTxMessage = <R extends string, T extends string>(region: R, tx: T): writeNotInTxMessage<R, T> =>
  `R8: ${region} is not mapped by transaction ${tx}; the device reaches memory only through a transaction that maps it.`

export type writeNotHmmMessage<T extends string, S extends string> =
  `R8: HMM faults and invalidations need an hmm transaction, but ${T} is mapped with ${S}.`
export const writeNotHmmMessage = <T extends string, S extends string>(tx: T, strategy: S): writeNotHmmMessage<T, S> =>
  `R8: HMM faults and invalidations need an hmm transaction, but ${tx} is mapped with ${strategy}.`

export type writeNotIovaUnlinkMessage<T extends string, S extends string> =
  `R8: only an iova transaction unlinks part of its range (dma_iova_unlink), but ${T} is mapped with ${S}.`
export const writeNotIovaUnlinkMessage = <T extends string, S extends string>(tx: T, strategy: S): writeNotIovaUnlinkMessage<T, S> =>
  `R8: only an iova transaction unlinks part of its range (dma_iova_unlink), but ${tx} is mapped with ${strategy}.`

export const writeUnlinkedMessage = (region: string, tx: string, what: string): string =>
  `R8: ${region} was unlinked from ${tx}, so ${what}; unlink a region after its last use, or map it again in a transaction of its own.`

// R9 ---------------------------------------------------------------------------------------

export type writeKernelFeatureMessage<F extends string, S extends KernelVersion, K extends KernelVersion> =
  `R9: ${F} needs kernel ${S} or later, but this plan targets ${K}.`
export const writeKernelFeatureMessage = <F extends string, S extends KernelVersion, K extends KernelVersion>(
  feature: F,
  since: S,
  kernel: K,
): writeKernelFeatureMessage<F, S, K> => `R9: ${feature} needs kernel ${since} or later, but this plan targets ${kernel}.`

export type writeHostBridgeMmioMessage<R extends string, S extends string, K extends KernelVersion> =
  `R9: ${R} is host-bridge P2P memory, which ${S} links with DMA_ATTR_MMIO; that needs kernel 6.18 or later, but this plan targets ${K}. Use page or sg, or target 6.18+.`
export const writeHostBridgeMmioMessage = <R extends string, S extends string, K extends KernelVersion>(
  region: R,
  strategy: S,
  kernel: K,
): writeHostBridgeMmioMessage<R, S, K> =>
  `R9: ${region} is host-bridge P2P memory, which ${strategy} links with DMA_ATTR_MMIO; that needs kernel 6.18 or later, but this plan targets ${kernel}. Use page or sg, or target 6.18+.`
