// docs/kernel-behaviour.md E3 behind VT-d: a 64 KiB segment boundary pads the first entry, so the second starts on the boundary: two segments and a 16 KiB IOVA hole.
import { platform } from 'dmaplan'
import { scenario } from '../support/scenario.js'
import { VTD_STRICT } from './platforms.js'

const host = platform(VTD_STRICT)
const edu = host.device('edu', { dmaMask: 28, segmentBoundary: 0xffff })
const a = host.ram('a', { pages: 12 })
const b = host.ram('b', { pages: 8 })

export default scenario({
  platform: 'vtd-strict',
  about: 'E3: segment-boundary padding splits a scatterlist',
  plan: host
    .plan(edu, { name: 'strict_sg_e3' })
    .cpuWrites(a)
    .cpuWrites(b)
    .transaction('io', { strategy: 'sg', dir: 'to-device' }, [a, b])
    .deviceReads('io', a)
    .deviceReads('io', b)
    .unmap('io')
    .build(),
})
