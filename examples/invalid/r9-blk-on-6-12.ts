// R9: the block-layer DMA iterators on a 6.12 kernel, which does not have them.
import { platform } from 'dmaplan'

const host = platform({ kernel: '6.12', iommu: { mode: 'translated' } })
const nvme = host.device('nvme0', { dmaMask: 64 })
const data = host.ram('data', { pages: 8 })

export default host
  .plan(nvme)
  .transaction('rq', { strategy: 'blk', dir: 'from-device' }, [data]) // error: R9
  .deviceWrites('rq', data)
  .unmap('rq')
  .build()
