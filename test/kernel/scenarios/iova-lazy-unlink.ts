// A partial unlink on the flush queue: the first buffer of an IOVA range unlinked early (its IOTLB entries go on the queue, not flushed at once), the last still read by the device, then the rest unlinked and the range freed.
import { platform } from 'dmaplan'
import { scenario } from '../support/scenario.js'
import { EDU, VTD_LAZY } from './platforms.js'

const host = platform({ ...VTD_LAZY, kernel: '7.3' })
const edu = host.device('edu', EDU)
const a = host.ram('a', { pages: 1 })
const b = host.ram('b', { pages: 1 })

export default scenario({
  platform: 'vtd-lazy',
  since: '6.16',
  about: 'dma_iova_unlink() of the first buffer under the flush queue; the last stays in use',
  plan: host
    .plan(edu, { name: 'iova_lazy_unlink' })
    .cpuWrites(b)
    .transaction('tx', { strategy: 'iova', dir: 'bidirectional' }, [a, b])
    .deviceWrites('tx', a)
    .unlink('tx', a)
    .cpuReads(a)
    .deviceReads('tx', b)
    .unmap('tx')
    .build(),
})
