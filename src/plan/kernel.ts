/**
 * Target kernel versions and the features each one gates (rule R9).
 *
 * Only the releases that changed the DMA mapping API are listed: 6.12 is the
 * long-term kernel of the reference platforms, 6.16 brought the two-step IOVA
 * API and hmm_dma_map_*, 6.17 the block-layer DMA iterators, 6.18
 * DMA_ATTR_MMIO and dma_map_phys(), 7.0 DMA_ATTR_REQUIRE_COHERENT.
 */
export const KERNEL_VERSIONS = ['6.12', '6.16', '6.17', '6.18', '7.0'] as const
export type KernelVersion = (typeof KERNEL_VERSIONS)[number]
export const DEFAULT_KERNEL: KernelVersion = '7.0'

/** Versions at or after each version, used by the type-level gate as a plain lookup. */
export interface KernelAtLeast {
  '6.12': KernelVersion
  '6.16': '6.16' | '6.17' | '6.18' | '7.0'
  '6.17': '6.17' | '6.18' | '7.0'
  '6.18': '6.18' | '7.0'
  '7.0': '7.0'
}

export function kernelAtLeast(version: KernelVersion, since: KernelVersion): boolean {
  return KERNEL_VERSIONS.indexOf(version) >= KERNEL_VERSIONS.indexOf(since)
}

/** The kernel features that rule R9 gates, with the release that introduced each. */
export const KERNEL_FEATURES = {
  'dma-iova': { since: '6.16', what: 'the two-step IOVA API (dma_iova_try_alloc/link/sync)' },
  'hmm-dma': { since: '6.16', what: 'hmm_dma_map_alloc/map_pfn' },
  'p2p-bus-helpers': { since: '6.16', what: 'pci_p2pdma_state() and pci_p2pdma_bus_addr_map()' },
  'blk-dma-iter': { since: '6.17', what: 'the block-layer DMA iterators (blk_rq_dma_map_iter_start)' },
  'attr-mmio': { since: '6.18', what: 'DMA_ATTR_MMIO' },
  'map-phys': { since: '6.18', what: 'dma_map_phys()' },
  'attr-require-coherent': { since: '7.0', what: 'DMA_ATTR_REQUIRE_COHERENT' },
} as const satisfies Record<string, { since: KernelVersion; what: string }>
export type KernelFeature = keyof typeof KERNEL_FEATURES
