// R6: a sub-page header after a page-aligned buffer in one IOVA range (the product sketch's own mr).
import { platform } from 'dmaplan'

const host = platform({ kernel: '7.0', iommu: { mode: 'translated', granule: 4096 } })
const nic = host.device('mlx5_0', { dmaMask: 64 })
const buf = host.ram('buf', { pages: 16 })
const hdr = host.ram('hdr', { offset: 0x40, bytes: 0x80 })

export default host
  .plan(nic)
  .transaction('mr', { strategy: 'iova', dir: 'bidirectional' }, [buf, hdr]) // error: R6
  .deviceWrites('mr', buf)
  .syncForCpu('mr')
  .cpuReads(buf)
  .unmap('mr')
  .build()
