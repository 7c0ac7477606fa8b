// A bvec at offset 0x100 of its page is off the queue's default dma_alignment (511): blk_rq_append_bio() refuses the bio with -EINVAL before anything is mapped.
import { platform } from 'dmaplan'
import { scenario } from '../support/scenario.js'
import { EDU, VTD_STRICT } from './platforms.js'

const host = platform({ ...VTD_STRICT, kernel: '7.3' })
const edu = host.device('edu', EDU)
const a = host.ram('a', { offset: 0x100, bytes: 0x100 })
const b = host.ram('b', { pages: 1 })

export default scenario({
  platform: 'vtd-strict',
  since: '6.17',
  about: 'blk: a bvec off the queue dma_alignment, refused with -EINVAL at append',
  fails: { tx: 'rq' },
  plan: host
    .plan(edu, { name: 'blk_unaligned' })
    .transaction('rq', { strategy: 'blk', dir: 'to-device' }, [a, b])
    .deviceReads('rq', b)
    .unmap('rq')
    .build(),
})
