// docs/kernel-behaviour.md E2 behind VT-d: the first entry ends mid-granule, so the second cannot merge: two segments, X (0x800) and X+0x1000 (0x1000).
import { platform } from 'dmaplan'
import { scenario } from '../support/scenario.js'
import { EDU, VTD_STRICT } from './platforms.js'

const host = platform(VTD_STRICT)
const edu = host.device('edu', EDU)
const a = host.ram('a', { bytes: 0x800 })
const b = host.ram('b', { pages: 1 })

export default scenario({
  platform: 'vtd-strict',
  about: 'E2: a scatterlist that must not coalesce (an entry ends mid-granule), round trip',
  plan: host
    .plan(edu, { name: 'strict_sg_e2' })
    .transaction('io', { strategy: 'sg', dir: 'bidirectional' }, [a, b])
    .deviceWrites('io', a)
    .deviceWrites('io', b)
    .deviceReads('io', a)
    .deviceReads('io', b)
    .unmap('io')
    .cpuReads(a)
    .cpuReads(b)
    .build(),
})
