// Coherent allocations behind VT-d: each gets an IOVA below the coherent mask; CPU and device see each other's writes without a sync.
import { platform } from 'dmaplan'
import { scenario } from '../support/scenario.js'
import { EDU, VTD_STRICT } from './platforms.js'

const host = platform(VTD_STRICT)
const edu = host.device('edu', EDU)
const ring = host.ram('ring', { pages: 1 })
const desc = host.ram('desc', { offset: 0x100, bytes: 0x2000 })

export default scenario({
  platform: 'vtd-strict',
  about: 'coherent allocations (one page, and a sub-page offset over three pages)',
  plan: host
    .plan(edu, { name: 'strict_coherent' })
    .transaction('rings', { strategy: 'coherent', dir: 'bidirectional' }, [ring, desc])
    .cpuWrites(ring)
    .deviceReads('rings', ring)
    .deviceWrites('rings', desc)
    .cpuReads(desc)
    .unmap('rings')
    .build(),
})
