// Five 16 KiB entries behind VT-d would coalesce into one 80 KiB segment, but the 64 KiB maximum segment size stops the merge after four.
import { platform } from 'dmaplan'
import { scenario } from '../support/scenario.js'
import { EDU, VTD_STRICT } from './platforms.js'

const host = platform(VTD_STRICT)
const edu = host.device('edu', EDU)
const a = host.ram('a', { pages: 4 })
const b = host.ram('b', { pages: 4 })
const c = host.ram('c', { pages: 4 })
const d = host.ram('d', { pages: 4 })
const e = host.ram('e', { pages: 4 })

export default scenario({
  platform: 'vtd-strict',
  about: 'coalescing capped by the default 64 KiB maximum segment size',
  plan: host
    .plan(edu, { name: 'strict_sg_maxseg' })
    .transaction('io', { strategy: 'sg', dir: 'from-device' }, [a, b, c, d, e])
    .deviceWrites('io', a)
    .deviceWrites('io', e)
    .unmap('io')
    .cpuReads(a)
    .cpuReads(e)
    .build(),
})
