// A device whose segments are at most 2 KiB, behind VT-d: scatterlist entries are whole pages, longer than that, and __finalise_sg()'s unsigned merge test wraps around, so the IOMMU merges them into one 12 KiB segment anyway.
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
  about: 'entries longer than the maximum segment size: the merge test wraps',
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
