// A 256 KiB swiotlb pool: the first 192 KiB buffer bounces, the second does not fit ("swiotlb buffer is full"); the driver unmaps the first, then the rest of the plan.
import { platform } from 'dmaplan'
import { scenario } from '../support/scenario.js'
import { BOUNCE_SMALL, EDU } from './platforms.js'

const host = platform(BOUNCE_SMALL)
const edu = host.device('edu', EDU)
const a = host.ram('a', { pages: 48 })
const b = host.ram('b', { pages: 48 })
const hdr = host.ram('hdr', { bytes: 0x200 })

export default scenario({
  platform: 'bounce-small',
  about: 'swiotlb exhaustion in the middle of a transaction, and its unwinding',
  fails: { tx: 'bulk', message: /swiotlb buffer is full \(sz: 196608 bytes\)/ },
  plan: host
    .plan(edu, { name: 'bounce_full' })
    .transaction('head', { strategy: 'page', dir: 'to-device' }, [hdr])
    .transaction('bulk', { strategy: 'page', dir: 'to-device' }, [a, b])
    .deviceReads('bulk', a)
    .unmap('bulk')
    .unmap('head')
    .build(),
})
