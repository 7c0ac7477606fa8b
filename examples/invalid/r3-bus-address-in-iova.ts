// R3: a GPU's switch-local memory linked into an IOVA range (the product sketch's mr2).
import { platform } from 'dmaplan'

const host = platform({ kernel: '7.0', iommu: { mode: 'translated' }, pci: { switches: { sw0: {} } } })
const nic = host.device('mlx5_0', { at: 'sw0', dmaMask: 64 })
const gpu = host.device('gpu0', { at: 'sw0', p2pMemory: { bytes: 16 << 30 } })
const vram = gpu.p2p('vram', { pages: 8 })

export default host
  .plan(nic)
  .transaction('mr2', { strategy: 'iova', dir: 'bidirectional' }, [vram]) // error: R3
  .deviceReads('mr2', vram)
  .unmap('mr2')
  .build()
