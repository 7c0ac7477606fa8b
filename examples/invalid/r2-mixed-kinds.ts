// R2: one scatterlist holding host memory and bus-address P2P memory.
import { platform } from 'dmaplan'

const host = platform({ kernel: '7.0', iommu: { mode: 'translated' }, pci: { switches: { sw0: {} } } })
const nic = host.device('nic0', { at: 'sw0', dmaMask: 64 })
const gpu = host.device('gpu0', { at: 'sw0', p2pMemory: { bytes: 1 << 30 } })
const buf = host.ram('buf', { pages: 4 })
const vram = gpu.p2p('vram', { pages: 4 })

export default host
  .plan(nic)
  .transaction('tx', { strategy: 'sg', dir: 'to-device' }, [buf, vram]) // error: R2
  .deviceReads('tx', buf)
  .unmap('tx')
  .build()
