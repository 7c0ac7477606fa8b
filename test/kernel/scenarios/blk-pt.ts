// The block iterator on an identity domain: no IOVA, one dma_map_phys() per physical segment at its physical address, and blk_rq_dma_unmap() leaves the driver nothing to unmap (dma_need_unmap() is false).
import { platform } from 'dmaplan'
import { scenario } from '../support/scenario.js'
import { PASSTHROUGH } from './platforms.js'

const host = platform({ ...PASSTHROUGH, kernel: '7.3' })
const edu = host.device('edu', { dmaMask: 64 })
const a = host.ram('a', { pages: 2 })
const b = host.ram('b', { offset: 0x200, bytes: 0x600 })

export default scenario({
  platform: 'passthrough',
  since: '6.17',
  about: 'blk on an identity domain: a dma_map_phys() per segment, no unmaps',
  plan: host
    .plan(edu, { name: 'blk_pt' })
    .transaction('rq', { strategy: 'blk', dir: 'to-device' }, [a, b])
    .deviceReads('rq', a)
    .deviceReads('rq', b)
    .unmap('rq')
    .build(),
})
