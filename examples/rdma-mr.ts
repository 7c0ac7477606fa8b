// An RDMA memory region made of a hodgepodge of host pages and a GPU's P2P pages, mapped page by page with HMM (the case the two-step IOVA API was made for).
import { platform } from 'dmaplan'

const host = platform({
  kernel: '7.0',
  iommu: { mode: 'translated', granule: 4096, flush: 'lazy' },
  pci: { switches: { sw0: { acsRedirect: false } }, hostBridgeP2P: false },
})
const nic = host.device('mlx5_0', { at: 'sw0', dmaMask: 64 })
const gpu = host.device('gpu0', { at: 'sw0', p2pMemory: { bytes: 16n << 30n } })

const heap = host.ram('heap', { pages: 8 })
const vram = gpu.p2p('vram', { pages: 4 })
const tail = host.ram('tail', { pages: 4 })

// One MR cannot be split: HMM links every page on its own, host pages through the IOVA,
// the GPU's pages by PCI bus address (they never consume IOVA space).
export default host
  .plan(nic, { name: 'rdma_mr' })
  .transaction('mr', { strategy: 'hmm', dir: 'bidirectional' }, [heap, vram, tail])
  .deviceWrites('mr', heap)
  .deviceReads('mr', vram)
  .deviceWrites('mr', tail, { offset: 0x800, bytes: 0x1000 })
  .unmap('mr')
  .cpuReads(heap)
  .cpuReads(tail)
  .build()
