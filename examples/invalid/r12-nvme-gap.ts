// R12: an NVMe queue's virt boundary (min_align_mask 0xfff) allows no gap inside a request: a 1.5 KiB buffer before a page is one, and blk_rq_append_bio() refuses the bio.
import { platform } from 'dmaplan'

const host = platform({ kernel: '7.0', iommu: { mode: 'translated' } })
const nvme = host.device('nvme0', { dmaMask: 64, minAlignMask: 0xfff })
const meta = host.ram('meta', { bytes: 0x600 })
const data = host.ram('data', { pages: 8 })

export default host
  .plan(nvme)
  .transaction('rq', { strategy: 'blk', dir: 'from-device' }, [meta, data]) // error: R12
  .deviceWrites('rq', meta)
  .deviceWrites('rq', data)
  .unmap('rq')
  .cpuReads(data)
  .build()
