// Lazy flushing changes when IOVAs come back, not where they are: a sub-page buffer and a multi-page range get the IOVAs they get in strict mode.
import { platform } from 'dmaplan'
import { scenario } from '../support/scenario.js'
import { EDU, VTD_LAZY } from './platforms.js'

const host = platform(VTD_LAZY)
const edu = host.device('edu', EDU)
const hdr = host.ram('hdr', { offset: 0x340, bytes: 0x180 })
const data = host.ram('data', { pages: 6 })

export default scenario({
  platform: 'vtd-lazy',
  about: 'sub-page and multi-page mappings with a flush queue, round trip',
  plan: host
    .plan(edu, { name: 'lazy_range' })
    .transaction('tx', { strategy: 'page', dir: 'bidirectional' }, [hdr, data])
    .deviceWrites('tx', hdr)
    .deviceWrites('tx', data, { offset: 0x1800, bytes: 0x2000 })
    .deviceReads('tx', hdr)
    .deviceReads('tx', data)
    .unmap('tx')
    .cpuReads(hdr)
    .cpuReads(data)
    .build(),
})
