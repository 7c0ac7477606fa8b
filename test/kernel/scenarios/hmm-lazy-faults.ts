// HMM faults and invalidations behind a lazy VT-d domain: pages are linked into their IOVA slots as they fault and unlinked (with a synchronous IOTLB flush) when invalidated; a page faulted again gets the same slot.
import { platform } from 'dmaplan'
import { scenario } from '../support/scenario.js'
import { VTD_LAZY } from './platforms.js'

const host = platform({ ...VTD_LAZY, kernel: '7.3' })
const edu = host.device('edu', { dmaMask: 64 })
const buf = host.ram('buf', { pages: 4 })

export default scenario({
  platform: 'vtd-lazy',
  since: '6.16',
  about: 'hmm fault and invalidate steps: pages linked and unlinked at their IOVA slots',
  plan: host
    .plan(edu, { name: 'hmm_lazy_faults' })
    .transaction('mr', { strategy: 'hmm', dir: 'bidirectional', populate: false }, [buf])
    .hmmFault('mr', 0)
    .hmmFault('mr', 2)
    .deviceWrites('mr', buf, { offset: 0, bytes: 0x1000 })
    .deviceWrites('mr', buf, { offset: 0x2000, bytes: 0x800 })
    .hmmInvalidate('mr', 0)
    .hmmFault('mr', 1)
    .hmmFault('mr', 0)
    .deviceReads('mr', buf, { offset: 0x800, bytes: 0x2000 })
    .unmap('mr')
    .cpuReads(buf, { offset: 0, bytes: 0x3000 })
    .build(),
})
