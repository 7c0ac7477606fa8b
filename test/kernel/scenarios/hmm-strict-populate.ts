// HMM behind VT-d: hmm_dma_map_alloc() takes an IOVA range for the whole mirror up front, and populating links each page at its slot (idx * PAGE_SIZE), a sub-page buffer's page included.
import { platform } from 'dmaplan'
import { scenario } from '../support/scenario.js'
import { VTD_STRICT } from './platforms.js'

const host = platform({ ...VTD_STRICT, kernel: '7.3' })
// hmm_dma_map_alloc() refuses an addressing-limited device: edu with its DMA mask widened.
const edu = host.device('edu', { dmaMask: 64 })
const a = host.ram('a', { pages: 2 })
const b = host.ram('b', { offset: 0x100, bytes: 0x300 })

export default scenario({
  platform: 'vtd-strict',
  since: '6.16',
  about: 'hmm populated: every page linked at its slot of one IOVA range',
  plan: host
    .plan(edu, { name: 'hmm_strict_populate' })
    .transaction('mr', { strategy: 'hmm', dir: 'bidirectional', populate: true }, [a, b])
    .deviceWrites('mr', a)
    .deviceReads('mr', b)
    .unmap('mr')
    .cpuReads(a)
    .build(),
})
