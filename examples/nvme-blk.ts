// An NVMe read request mapped with the block-layer DMA iterators: one uniform kind, coalesced into one IOVA range when it can be.
import { platform } from 'dmaplan'

const host = platform({ kernel: '7.0', iommu: { mode: 'translated', flush: 'strict' } })
const nvme = host.device('nvme0', { dmaMask: 64, minAlignMask: 0xfff, maxSegmentSize: 0x10000 })

const data = host.ram('data', { pages: 32 })
const meta = host.ram('meta', { pages: 1 })

export default host
  .plan(nvme, { name: 'nvme_read' })
  .transaction('rq', { strategy: 'blk', dir: 'from-device' }, [data, meta])
  .deviceWrites('rq', data)
  .deviceWrites('rq', meta)
  .unmap('rq')
  .cpuReads(data)
  .build()
