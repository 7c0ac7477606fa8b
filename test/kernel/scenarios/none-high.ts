// No IOMMU and 512 MiB: a 28-bit device reaches a page only if the page allocator put it below 256 MiB; above, the map fails with the overflow warning and no swiotlb to fall back on.
import { platform } from 'dmaplan'
import { scenario } from '../support/scenario.js'
import { EDU, NO_IOMMU } from './platforms.js'

const host = platform(NO_IOMMU)
const edu = host.device('edu', EDU)
const a = host.ram('a', { pages: 1 })
const b = host.ram('b', { pages: 4 })

// Where the page allocator puts a and b decides the outcome; the simulator is told where.
export default scenario({
  platform: 'none',
  about: 'an addressing-limited 28-bit device on dma-direct: phys or an overflow, by placement',
  plan: host
    .plan(edu, { name: 'none_high' })
    .transaction('t1', { strategy: 'page', dir: 'to-device' }, [a])
    .transaction('t2', { strategy: 'page', dir: 'to-device' }, [b])
    .deviceReads('t1', a)
    .deviceReads('t2', b)
    .unmap('t2')
    .unmap('t1')
    .build(),
})
