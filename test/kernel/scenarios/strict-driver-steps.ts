// A driver narrows its device between transactions (K-R45, K-R46): IOVAs come from below the new 24-bit mask (the IOVA the first map freed to the per-CPU cache lies above it), and a 32 KiB maximum segment size splits what VT-d would coalesce into one 64 KiB segment.
import { platform } from 'dmaplan'
import { scenario } from '../support/scenario.js'
import { EDU, VTD_STRICT } from './platforms.js'

const host = platform(VTD_STRICT)
const edu = host.device('edu', EDU)
const first = host.ram('first', { pages: 1 })
const a = host.ram('a', { pages: 4 })
const b = host.ram('b', { pages: 4 })
const c = host.ram('c', { pages: 4 })
const d = host.ram('d', { pages: 4 })

export default scenario({
  platform: 'vtd-strict',
  about: 'driver steps: a narrower DMA mask and maximum segment size for the mappings after them',
  plan: host
    .plan(edu, { name: 'strict_driver_steps' })
    .transaction('before', { strategy: 'page', dir: 'from-device' }, [first])
    .deviceWrites('before', first)
    .unmap('before')
    .cpuReads(first)
    .setDmaMask(24)
    .setMaxSegmentSize(0x8000)
    .transaction('io', { strategy: 'sg', dir: 'from-device' }, [a, b, c, d])
    .deviceWrites('io', a)
    .deviceWrites('io', d)
    .unmap('io')
    .cpuReads(a)
    .cpuReads(d)
    .build(),
})
