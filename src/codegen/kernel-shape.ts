/**
 * The shape of the DMA API on the target kernel: which calls exist and which
 * signature they have. Templates test these as flags.
 */
import type { KernelVersion } from '../plan/kernel.js'
import { kernelAtLeast } from '../plan/kernel.js'

export interface KernelShape {
  readonly version: KernelVersion
  /** dma_iova_*, dma_need_unmap(), hmm_dma_map_*, pci_p2pdma_state(): 6.16. */
  readonly iovaApi: boolean
  /** dma_map_phys()/dma_unmap_phys() and DMA_ATTR_MMIO: 6.18. */
  readonly mapPhys: boolean
  /** pci_p2pdma_bus_addr_map(provider, paddr): 6.19 (the provider refactor). */
  readonly p2pProvider: boolean
  /** blk_rq_dma_unmap(..., map) and per-segment dma_unmap_phys() in the block layer: 6.19. */
  readonly blkP2pMap: boolean
}

export function kernelShape(version: KernelVersion): KernelShape {
  return {
    version,
    iovaApi: kernelAtLeast(version, '6.16'),
    mapPhys: kernelAtLeast(version, '6.18'),
    // 6.19 is not a release the plan IR names: 7.0 is the first with these shapes.
    p2pProvider: kernelAtLeast(version, '7.0'),
    blkP2pMap: kernelAtLeast(version, '7.0'),
  }
}

/** The shape as template flags. */
export function shapeFlags(k: KernelShape): Record<string, boolean> {
  return { iova_api: k.iovaApi, map_phys: k.mapPhys, p2p_provider: k.p2pProvider, blk_p2p_map: k.blkP2pMap }
}
