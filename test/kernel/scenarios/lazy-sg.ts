// E1 and E2 mapped side by side behind VT-d in lazy mode: the same coalescing as strict, IOVAs below each other.
import { platform } from 'dmaplan'
import { scenario } from '../support/scenario.js'
import { E1, EDU, VTD_LAZY } from './platforms.js'

const host = platform(VTD_LAZY)
const edu = host.device('edu', EDU)
const a = host.ram('a', E1.a)
const b = host.ram('b', E1.b)
const c = host.ram('c', E1.c)
const d = host.ram('d', { bytes: 0x800 })
const e = host.ram('e', { pages: 1 })

export default scenario({
  platform: 'vtd-lazy',
  about: 'two scatterlists, one that coalesces and one that cannot, with a flush queue',
  plan: host
    .plan(edu, { name: 'lazy_sg' })
    .transaction('e1', { strategy: 'sg', dir: 'bidirectional' }, [a, b, c])
    .transaction('e2', { strategy: 'sg', dir: 'from-device' }, [d, e])
    .deviceWrites('e1', b)
    .deviceReads('e1', a)
    .deviceReads('e1', b)
    .deviceWrites('e2', d)
    .deviceWrites('e2', e)
    .unmap('e2')
    .unmap('e1')
    .cpuReads(b)
    .cpuReads(e)
    .build(),
})
