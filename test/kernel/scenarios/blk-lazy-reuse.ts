// Two block requests behind a lazy VT-d domain: whether the second one gets the first one's IOVA depends on how blk_rq_dma_unmap()'s dma_iova_destroy() frees it (through the flush queue, or at once).
import { platform } from 'dmaplan'
import { scenario } from '../support/scenario.js'
import { EDU, VTD_LAZY } from './platforms.js'

const host = platform({ ...VTD_LAZY, kernel: '7.3' })
const edu = host.device('edu', EDU)
const a = host.ram('a', { pages: 1 })
const b = host.ram('b', { pages: 1 })
const c = host.ram('c', { pages: 2 })

// Nothing between the first unmap and the second map: edu's transfers take time the plan does not show.
export default scenario({
  platform: 'vtd-lazy',
  since: '6.17',
  about: 'blk on a lazy domain: the IOVA a coalesced request frees, and the next request',
  plan: host
    .plan(edu, { name: 'blk_lazy_reuse' })
    .transaction('rq1', { strategy: 'blk', dir: 'to-device' }, [a, b])
    .deviceReads('rq1', a)
    .unmap('rq1')
    .transaction('rq2', { strategy: 'blk', dir: 'to-device' }, [c])
    .deviceReads('rq2', c)
    .unmap('rq2')
    .build(),
})
