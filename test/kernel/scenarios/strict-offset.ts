// Sub-page buffers behind VT-d: the IOVA keeps each buffer's offset in its granule; one that crosses a page boundary takes two granules.
import { platform } from 'dmaplan'
import { scenario } from '../support/scenario.js'
import { EDU, VTD_STRICT } from './platforms.js'

const host = platform(VTD_STRICT)
const edu = host.device('edu', EDU)
const hdr = host.ram('hdr', { offset: 0x200, bytes: 0x400 })
const tail = host.ram('tail', { offset: 0xf00, bytes: 0x300 })

export default scenario({
  platform: 'vtd-strict',
  about: 'sub-page offsets, one buffer across a page boundary, from the device',
  plan: host
    .plan(edu, { name: 'strict_offset' })
    .transaction('rx', { strategy: 'page', dir: 'from-device' }, [hdr, tail])
    .deviceWrites('rx', hdr)
    .deviceWrites('rx', tail)
    .unmap('rx')
    .cpuReads(hdr)
    .cpuReads(tail)
    .build(),
})
