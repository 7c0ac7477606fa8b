// Passthrough: an identity domain is no IOMMU DMA domain, so the IOVA API is out (R1) and auto maps buffer by buffer with dma-direct at physical addresses; with nothing to sync or bounce, dma_need_unmap() lets the driver skip every unmap, and no IOVA API call is made.
import { platform } from 'dmaplan'
import { scenario } from '../support/scenario.js'
import { EDU, PASSTHROUGH_LOW } from './platforms.js'

const host = platform({ ...PASSTHROUGH_LOW, kernel: '7.3' })
const edu = host.device('edu', EDU)
const a = host.ram('a', { offset: 0x300, bytes: 0xd00 })
const b = host.ram('b', { pages: 2 })

export default scenario({
  platform: 'passthrough-low',
  since: '6.16',
  about: 'auto on an identity domain: no IOVA range, per-buffer dma-direct maps, unmaps skipped by dma_need_unmap()',
  plan: host
    .plan(edu, { name: 'iova_pt_auto' })
    .transaction('mr', { strategy: 'auto', dir: 'bidirectional' }, [a, b])
    .deviceWrites('mr', a)
    .deviceWrites('mr', b)
    .deviceReads('mr', a)
    .unmap('mr')
    .cpuReads(a)
    .cpuReads(b)
    .build(),
})
