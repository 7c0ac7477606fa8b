// R8: a transaction unmapped twice.
import { platform } from 'dmaplan'

const host = platform({ kernel: '7.0', iommu: { mode: 'translated' } })
const nic = host.device('nic0', { dmaMask: 64 })
const buf = host.ram('buf', { pages: 1 })

export default host
  .plan(nic)
  .transaction('tx', { strategy: 'page', dir: 'to-device' }, [buf])
  .deviceReads('tx', buf)
  .unmap('tx')
  .unmap('tx') // error: R8
  .build()
