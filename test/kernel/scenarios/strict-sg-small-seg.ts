// A device whose segments are at most 2 KiB, behind VT-d: sg_alloc_table_from_pages_segment() refuses a maximum below a page, so the driver cuts entries of 2 KiB within their pages (longer ones are what dma-debug reports, "mapping sg segment longer than device claims to support"); iommu_dma_map_sg() gives each its own granule at its offset, and none merge.
import { platform } from 'dmaplan'
import { scenario } from '../support/scenario.js'
import { VTD_STRICT } from './platforms.js'

const host = platform(VTD_STRICT)
const edu = host.device('edu', { dmaMask: 28, maxSegmentSize: 2048 })
const a = host.ram('a', { pages: 1 })
const b = host.ram('b', { pages: 1 })
const c = host.ram('c', { pages: 1 })

export default scenario({
  platform: 'vtd-strict',
  about: 'a maximum segment below a page: entries of 2 KiB, each in its own granule, none merged',
  plan: host
    .plan(edu, { name: 'strict_sg_small_seg' })
    .transaction('io', { strategy: 'sg', dir: 'bidirectional' }, [a, b, c])
    .deviceWrites('io', a)
    .deviceWrites('io', c)
    .deviceReads('io', b)
    .deviceReads('io', c)
    .unmap('io')
    .cpuReads(a)
    .build(),
})
