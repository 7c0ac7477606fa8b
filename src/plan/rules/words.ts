/**
 * The words the rules' sentences share (memory kinds, directions, why P2P is
 * out of reach, why a mapping needs syncs). Each rule's own sentences live in
 * its file, src/plan/rules/r<n>-*.ts.
 *
 * The sentences of the rules are written once for both worlds.
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

/** What a region is for one device (resolved from the platform's topology). */
export type { MemoryKind } from '../memory-kind.js'

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

/** Why CPU and device views of transaction T differ until a sync: it bounces, or device D is not coherent. */
export type SyncReason = 'bounced' | 'non-coherent'
export type SyncWords<T extends string, D extends string> = {
  bounced: `${T} is bounced through swiotlb`
  'non-coherent': `${D} is not DMA-coherent`
}
export const syncWords = <T extends string, D extends string>(tx: T, device: D): SyncWords<T, D> => ({
  bounced: `${tx} is bounced through swiotlb`,
  'non-coherent': `${device} is not DMA-coherent`,
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
