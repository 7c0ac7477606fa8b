// R4: P2P memory on another root port, behind a host bridge that does not allow P2P.
import { platform } from 'dmaplan'

const host = platform({ kernel: '7.0', iommu: { mode: 'translated' }, pci: { hostBridgeP2P: false } })
const nic = host.device('nic0', { dmaMask: 64 })
const gpu = host.device('gpu0', { p2pMemory: { bytes: 1 << 30 } })
const vram = gpu.p2p('vram', { pages: 4 })

export default host
  .plan(nic)
  .transaction('tx', { strategy: 'sg', dir: 'to-device' }, [vram]) // error: R4
  .deviceReads('tx', vram)
  .unmap('tx')
  .build()
