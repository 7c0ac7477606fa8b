// HMM on an identity domain: no IOVA, each page mapped with dma_map_phys(DMA_ATTR_REQUIRE_COHERENT) at its physical address, and no dma_list, so unmapping a page calls nothing (dma_need_unmap() is false).
import { platform } from 'dmaplan'
import { scenario } from '../support/scenario.js'
import { PASSTHROUGH } from './platforms.js'

const host = platform({ ...PASSTHROUGH, kernel: '7.3' })
const edu = host.device('edu', { dmaMask: 64 })
const a = host.ram('a', { pages: 2 })
const b = host.ram('b', { pages: 1 })

export default scenario({
  platform: 'passthrough',
  since: '6.16',
  about: 'hmm on an identity domain: a dma_map_phys() per page, nothing to unmap',
  plan: host
    .plan(edu, { name: 'hmm_pt' })
    .transaction('mr', { strategy: 'hmm', dir: 'bidirectional', populate: true }, [a, b])
    .deviceWrites('mr', b)
    .deviceReads('mr', a)
    .hmmInvalidate('mr', 1)
    .unmap('mr')
    .cpuReads(b)
    .build(),
})
