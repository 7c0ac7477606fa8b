// The auto strategy on a lazy domain links host buffers into one IOVA range (the first off the granule, the last ending off it) and the device moves data both ways through it; a second range, linked with DMA_ATTR_REQUIRE_COHERENT, which a coherent device satisfies (7.0).
import { platform } from 'dmaplan'
import { scenario } from '../support/scenario.js'
import { EDU, VTD_LAZY } from './platforms.js'

const host = platform({ ...VTD_LAZY, kernel: '7.3' })
const edu = host.device('edu', EDU)
const hdr = host.ram('hdr', { offset: 0xa00, bytes: 0x600 })
const data = host.ram('data', { pages: 3 })
const tail = host.ram('tail', { bytes: 0x200 })
const out = host.ram('out', { offset: 0x10, bytes: 0x1ff0 })

export default scenario({
  platform: 'vtd-lazy',
  since: '6.16',
  about: 'auto links sub-page host buffers into one IOVA range on a lazy domain, round trip',
  plan: host
    .plan(edu, { name: 'iova_lazy_links' })
    .cpuWrites(hdr)
    .transaction('rx', { strategy: 'auto', dir: 'bidirectional' }, [hdr, data, tail])
    .transaction('tx', { strategy: 'iova', dir: 'to-device', attrs: ['DMA_ATTR_REQUIRE_COHERENT'] }, [out])
    .deviceReads('rx', hdr)
    .deviceWrites('rx', data)
    .deviceWrites('rx', tail)
    .deviceReads('tx', out)
    .deviceReads('rx', data, { offset: 0x1f00, bytes: 0x200 })
    .unmap('tx')
    .unmap('rx')
    .cpuReads(data)
    .cpuReads(tail)
    .build(),
})
