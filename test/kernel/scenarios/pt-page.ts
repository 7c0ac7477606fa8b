// Passthrough (identity domain): dma-direct with no swiotlb pool, so a page edu's 28-bit mask reaches maps at its physical address, and one above it fails.
import { platform } from 'dmaplan'
import { scenario } from '../support/scenario.js'
import { EDU, PASSTHROUGH } from './platforms.js'

const host = platform(PASSTHROUGH)
const edu = host.device('edu', EDU)
const a = host.ram('a', { pages: 1 })
const b = host.ram('b', { offset: 0x400, bytes: 0x800 })

// Where the page allocator puts a and b decides the outcome; the simulator is told where.
export default scenario({
  platform: 'passthrough',
  about: 'a 28-bit device on an identity domain with 512 MiB: phys or an overflow, by placement',
  plan: host
    .plan(edu, { name: 'pt_page' })
    .cpuWrites(a)
    .transaction('tx', { strategy: 'page', dir: 'bidirectional' }, [a, b])
    .deviceReads('tx', a)
    .deviceWrites('tx', b)
    .unmap('tx')
    .cpuReads(b)
    .build(),
})
