// docs/kernel-behaviour.md E1 behind VT-d: three entries that meet on granule boundaries coalesce into one DMA segment at X+0x200 of 0x2600 bytes.
import { platform } from 'dmaplan'
import { scenario } from '../support/scenario.js'
import { E1, EDU, VTD_STRICT } from './platforms.js'

const host = platform(VTD_STRICT)
const edu = host.device('edu', EDU)
const a = host.ram('a', E1.a)
const b = host.ram('b', E1.b)
const c = host.ram('c', E1.c)

export default scenario({
  platform: 'vtd-strict',
  about: 'E1: a scatterlist the IOMMU coalesces into one segment',
  plan: host
    .plan(edu, { name: 'strict_sg_e1' })
    .cpuWrites(a)
    .cpuWrites(b)
    .cpuWrites(c)
    .transaction('io', { strategy: 'sg', dir: 'to-device' }, [a, b, c])
    .deviceReads('io', a)
    .deviceReads('io', b)
    .deviceReads('io', c)
    .unmap('io')
    .build(),
})
