// E1's scatterlist with swiotlb=force: every entry bounces into slots of its own; nothing merges.
import { platform } from 'dmaplan'
import { scenario } from '../support/scenario.js'
import { BOUNCE, E1, EDU } from './platforms.js'

const host = platform(BOUNCE)
const edu = host.device('edu', EDU)
const a = host.ram('a', E1.a)
const b = host.ram('b', E1.b)
const c = host.ram('c', E1.c)

export default scenario({
  platform: 'bounce',
  about: 'a bounced scatterlist, one bounce buffer per entry',
  plan: host
    .plan(edu, { name: 'bounce_sg' })
    .cpuWrites(a)
    .cpuWrites(c)
    .transaction('io', { strategy: 'sg', dir: 'to-device' }, [a, b, c])
    .deviceReads('io', a)
    .deviceReads('io', b)
    .deviceReads('io', c)
    .unmap('io')
    .build(),
})
