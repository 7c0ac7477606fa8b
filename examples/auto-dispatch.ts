// The dispatch a driver of the two-step IOVA API writes: IOVA for host memory behind an IOMMU, bus addresses for switch-local P2P, per-range mapping otherwise.
import { platform } from 'dmaplan'

const host = platform({
  kernel: '7.0',
  iommu: { mode: 'translated', flush: 'strict' },
  pci: { switches: { sw0: {}, sw1: {} }, hostBridgeP2P: true },
})
const nic = host.device('mlx5_0', { at: 'sw0', dmaMask: 64 })
const near = host.device('gpu0', { at: 'sw0', p2pMemory: { bytes: 1n << 30n } })
const far = host.device('gpu1', { at: 'sw1', p2pMemory: { bytes: 1n << 30n } })

const host_buf = host.ram('host_buf', { pages: 8 })
const near_buf = near.p2p('near_buf', { pages: 8 })
const far_buf = far.p2p('far_buf', { pages: 8 })

export default host
  .plan(nic, { name: 'auto_dispatch' })
  .transaction('normal', { strategy: 'auto', dir: 'to-device' }, [host_buf])
  .transaction('peer', { strategy: 'auto', dir: 'to-device' }, [near_buf])
  .transaction('bridge', { strategy: 'auto', dir: 'to-device' }, [far_buf])
  .deviceReads('normal', host_buf)
  .deviceReads('peer', near_buf)
  .deviceReads('bridge', far_buf)
  .unmap('bridge')
  .unmap('peer')
  .unmap('normal')
  .build()
