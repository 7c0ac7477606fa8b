// The block iterator behind VT-d: an inner boundary off the page (b starts at 0x200) sets the request's phys_gap_bit below the IOMMU's merge boundary, so each segment gets a dma_map_phys() of its own and the driver unmaps each.
import { platform } from 'dmaplan'
import { scenario } from '../support/scenario.js'
import { EDU, VTD_STRICT } from './platforms.js'

const host = platform({ ...VTD_STRICT, kernel: '7.3' })
const edu = host.device('edu', EDU)
const a = host.ram('a', { pages: 1 })
const b = host.ram('b', { offset: 0x200, bytes: 0x200 })
const c = host.ram('c', { bytes: 0x800 })

export default scenario({
  platform: 'vtd-strict',
  since: '6.17',
  about: 'blk: an inner boundary off the page, one IOVA per segment, unmapped by the driver',
  plan: host
    .plan(edu, { name: 'blk_strict_segments' })
    .transaction('rq', { strategy: 'blk', dir: 'from-device' }, [a, b, c])
    .deviceWrites('rq', b)
    .deviceWrites('rq', c)
    .unmap('rq')
    .cpuReads(b)
    .cpuReads(c)
    .build(),
})
