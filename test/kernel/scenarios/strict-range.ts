// A three-page range behind VT-d: one IOVA of 3 granules, rounded up to 4 and naturally aligned to 16 KiB; the device writes it and reads it back.
import { platform } from 'dmaplan'
import { scenario } from '../support/scenario.js'
import { EDU, VTD_STRICT } from './platforms.js'

const host = platform(VTD_STRICT)
const edu = host.device('edu', EDU)
const buf = host.ram('buf', { pages: 3 })

export default scenario({
  platform: 'vtd-strict',
  about: 'a multi-page range, bidirectional round trip: power-of-two IOVA rounding and alignment',
  plan: host
    .plan(edu, { name: 'strict_range' })
    .transaction('tx', { strategy: 'page', dir: 'bidirectional' }, [buf])
    .deviceWrites('tx', buf)
    .deviceReads('tx', buf)
    .unmap('tx')
    .cpuReads(buf)
    .build(),
})
