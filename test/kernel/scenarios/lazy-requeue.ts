// Lazy unmaps behind VT-d go through the flush queue: a map right after an unmap gets a fresh IOVA; after the queue's 10 ms timer, the freed one comes back.
import { platform } from 'dmaplan'
import { scenario } from '../support/scenario.js'
import { EDU, VTD_LAZY } from './platforms.js'

const host = platform(VTD_LAZY)
const edu = host.device('edu', EDU)
const a = host.ram('a', { pages: 1 })
const b = host.ram('b', { pages: 1 })
const c = host.ram('c', { pages: 1 })

// No device access between an unmap and the next map but the wait: edu's transfers take
// 100 ms each, time the plan would not show, and the queue's timer decides what is reused.
export default scenario({
  platform: 'vtd-lazy',
  about: 'IOVA reuse delayed by the flush queue (strict would reuse at once)',
  plan: host
    .plan(edu, { name: 'lazy_requeue' })
    .transaction('t1', { strategy: 'page', dir: 'to-device' }, [a])
    .unmap('t1')
    .transaction('t2', { strategy: 'page', dir: 'to-device' }, [b])
    .deviceReads('t2', b)
    .unmap('t2')
    .wait(20)
    .transaction('t3', { strategy: 'page', dir: 'to-device' }, [c])
    .deviceReads('t3', c)
    .unmap('t3')
    .build(),
})
