// The block iterator without an IOMMU (dma-direct): the device writes through one mapping per physical segment (b starts off its page, so no two buffers merge), and the CPU reads what it wrote after the unmap.
import { platform } from 'dmaplan'
import { scenario } from '../support/scenario.js'
import { NO_IOMMU } from './platforms.js'

const host = platform({ ...NO_IOMMU, kernel: '7.3' })
const edu = host.device('edu', { dmaMask: 64 })
const a = host.ram('a', { pages: 1 })
const b = host.ram('b', { offset: 0x200, bytes: 0x600 })
const c = host.ram('c', { bytes: 0xa00 })

export default scenario({
  platform: 'none',
  since: '6.17',
  about: 'blk without an IOMMU: dma-direct segment by segment, the device writes',
  plan: host
    .plan(edu, { name: 'blk_none' })
    .transaction('rq', { strategy: 'blk', dir: 'from-device' }, [a, b, c])
    .deviceWrites('rq', a)
    .deviceWrites('rq', b)
    .deviceWrites('rq', c)
    .unmap('rq')
    .cpuReads(b)
    .cpuReads(c)
    .build(),
})
