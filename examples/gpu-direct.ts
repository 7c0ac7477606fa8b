// GPU-direct: a NIC reads a GPU's memory by PCI bus address because both sit below one switch without ACS redirect.
import { platform } from 'dmaplan'

const host = platform({
  kernel: '7.0',
  iommu: { mode: 'translated', flush: 'strict' },
  pci: { switches: { plx0: { acsRedirect: false } } },
})
const nic = host.device('mlx5_0', { at: 'plx0', dmaMask: 64 })
const gpu = host.device('gpu0', { at: 'plx0', p2pMemory: { bytes: 1n << 30n, bar: 0x38000000000n, busOffset: 0n } })

const frame = gpu.p2p('frame', { pages: 64 })

export default host
  .plan(nic, { name: 'gpu_direct' })
  .transaction('tx', { strategy: 'p2p-bus', dir: 'to-device' }, [frame])
  .deviceReads('tx', frame)
  .unmap('tx')
  .build()
