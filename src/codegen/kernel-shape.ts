/**
 * The shape of the DMA API on the target kernel: which calls exist and which
 * signature they have. Templates test these as flags. Each is a change of
 * src/plan/kernel-changes.ts, so the generator and the simulator agree on
 * the release that brought it.
 */
import type { KernelVersion } from '../plan/kernel.js'
import { kernelHas } from '../plan/kernel-changes.js'

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
  /** blk_rq_dma_map_iter_next(req, dev, iter), without the dma_iova_state: 7.0 (91e1c1bcf0f2). */
  readonly blkIterNoState: boolean
}

export function kernelShape(version: KernelVersion): KernelShape {
  return {
    version,
    iovaApi: kernelHas(version, 'dma-iova-api'),
    mapPhys: kernelHas(version, 'dma-map-phys'),
    p2pProvider: kernelHas(version, 'p2pdma-provider'),
    blkP2pMap: kernelHas(version, 'blk-mmio-host-bridge'),
    blkIterNoState: kernelHas(version, 'blk-iter-next-no-state'),
  }
}

/** The shape as template flags. */
export function shapeFlags(k: KernelShape): Record<string, boolean> {
  return {
    iova_api: k.iovaApi,
    map_phys: k.mapPhys,
    p2p_provider: k.p2pProvider,
    blk_p2p_map: k.blkP2pMap,
    blk_iter_no_state: k.blkIterNoState,
  }
}
