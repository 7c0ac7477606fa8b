// swiotlb=force: every streaming map bounces through the pool, whose slots sit below edu's 28-bit mask with 200 MiB of RAM; the data crosses at map, sync and unmap.
import { platform } from 'dmaplan'
import { scenario } from '../support/scenario.js'
import { BOUNCE, EDU } from './platforms.js'

const host = platform(BOUNCE)
const edu = host.device('edu', EDU)
const a = host.ram('a', { pages: 2 })
const b = host.ram('b', { pages: 1 })

export default scenario({
  platform: 'bounce',
  about: 'forced bouncing of single mappings: slot addresses, copies at map, sync and unmap',
  plan: host
    .plan(edu, { name: 'bounce_page' })
    .cpuWrites(b)
    .transaction('tx', { strategy: 'page', dir: 'bidirectional' }, [a, b])
    .deviceWrites('tx', a)
    .syncForCpu('tx')
    .cpuReads(a)
    .deviceReads('tx', b)
    .unmap('tx')
    .cpuReads(b)
    .build(),
})
