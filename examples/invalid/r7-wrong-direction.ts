// R7: the device writes into a buffer mapped DMA_TO_DEVICE, which the IOMMU maps read-only.
import { platform } from 'dmaplan'

const host = platform({ kernel: '7.0', iommu: { mode: 'translated' } })
const nic = host.device('nic0', { dmaMask: 64 })
const buf = host.ram('buf', { pages: 1 })

export default host
  .plan(nic)
  .transaction('tx', { strategy: 'page', dir: 'to-device' }, [buf])
  .deviceWrites('tx', buf) // error: R7
  .unmap('tx')
  .build()
