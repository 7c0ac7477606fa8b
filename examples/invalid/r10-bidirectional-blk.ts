// R10: a block request moves data one way (rq_dma_dir()), so a blk transaction cannot be bidirectional.
import { platform } from 'dmaplan'

const host = platform({ kernel: '6.17', iommu: { mode: 'translated' } })
const nvme = host.device('nvme0', { dmaMask: 64 })
const data = host.ram('data', { pages: 8 })

export default host
  .plan(nvme)
  .transaction('rq', { strategy: 'blk', dir: 'bidirectional' }, [data]) // error: R10
  .deviceReads('rq', data)
  .deviceWrites('rq', data)
  .unmap('rq')
  .build()
