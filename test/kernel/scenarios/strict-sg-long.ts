// A 96 KiB buffer in a scatterlist behind VT-d: the driver cuts it into entries of at most the 64 KiB maximum segment size, and a page after it merges with the second.
import { platform } from 'dmaplan'
import { scenario } from '../support/scenario.js'
import { EDU, VTD_STRICT } from './platforms.js'

const host = platform(VTD_STRICT)
const edu = host.device('edu', EDU)
const big = host.ram('big', { pages: 24 })
const tail = host.ram('tail', { pages: 1 })

export default scenario({
  platform: 'vtd-strict',
  about: 'a buffer longer than the maximum segment size in a scatterlist',
  plan: host
    .plan(edu, { name: 'strict_sg_long' })
    .cpuWrites(big)
    .cpuWrites(tail)
    .transaction('io', { strategy: 'sg', dir: 'to-device' }, [big, tail])
    .deviceReads('io', big)
    .deviceReads('io', tail)
    .unmap('io')
    .build(),
})
