// Lazy domain: a dma_unmap_phys() IOVA waits in the flush queue, so the next map gets a fresh one; dma_iova_destroy() of 7.3 syncs the IOTLB itself and frees the whole state at once, so the next state of its size gets its IOVA back.
import { platform } from 'dmaplan'
import { scenario } from '../support/scenario.js'
import { EDU, VTD_LAZY } from './platforms.js'

const host = platform({ ...VTD_LAZY, kernel: '7.3' })
const edu = host.device('edu', EDU)
const a = host.ram('a', { pages: 2 })
const b = host.ram('b', { pages: 2 })
const p = host.ram('p', { pages: 1 })
const q = host.ram('q', { pages: 1 })

// No device access between an unmap and the next map: edu's transfers take 100 ms each,
// time the plan would not show, and the flush queue's 10 ms timer would decide what is reused.
export default scenario({
  platform: 'vtd-lazy',
  since: '6.16',
  about: 'IOVA reuse on a lazy domain: dma_iova_destroy() bypasses the flush queue, dma_unmap_phys() does not',
  plan: host
    .plan(edu, { name: 'iova_lazy_reuse' })
    .transaction('t1', { strategy: 'iova', dir: 'bidirectional' }, [a])
    .deviceWrites('t1', a)
    .deviceReads('t1', a)
    .unmap('t1')
    .transaction('t2', { strategy: 'iova', dir: 'to-device' }, [b])
    .transaction('p1', { strategy: 'page', dir: 'to-device' }, [p])
    .deviceReads('t2', b)
    .deviceReads('p1', p)
    .unmap('p1')
    .transaction('p2', { strategy: 'page', dir: 'to-device' }, [q])
    .deviceReads('p2', q)
    .unmap('p2')
    .unmap('t2')
    .cpuReads(a)
    .build(),
})
