// R1: the two-step IOVA API on a platform without a translating IOMMU.
import { platform } from 'dmaplan'

const host = platform({ kernel: '7.0', iommu: { mode: 'none' } })
const nic = host.device('nic0', { dmaMask: 64 })
const buf = host.ram('buf', { pages: 4 })

export default host
  .plan(nic)
  .transaction('tx', { strategy: 'iova', dir: 'to-device' }, [buf]) // error: R1
  .deviceReads('tx', buf)
  .unmap('tx')
  .build()
