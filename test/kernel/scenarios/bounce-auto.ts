// The auto strategy of a driver built for 7.0, with swiotlb=force on 6.12: each buffer mapped on its own bounces, and is unmapped (copied back).
import { platform } from 'dmaplan'
import { scenario } from '../support/scenario.js'
import { BOUNCE, EDU } from './platforms.js'

const host = platform({ ...BOUNCE, kernel: '7.0' })
const edu = host.device('edu', EDU)
const a = host.ram('a', { pages: 1 })
const b = host.ram('b', { offset: 0x800, bytes: 0x1000 })

export default scenario({
  platform: 'bounce',
  about: 'auto dispatch through bounce buffers',
  plan: host
    .plan(edu, { name: 'bounce_auto' })
    .transaction('mr', { strategy: 'auto', dir: 'from-device' }, [a, b])
    .deviceWrites('mr', a)
    .deviceWrites('mr', b)
    .unmap('mr')
    .cpuReads(a)
    .cpuReads(b)
    .build(),
})
