// Strict domain: dma_iova_destroy() frees the state's IOVA at once into the per-CPU cache, so the next state of the same rounded size gets it back; a state of another size class does not.
import { platform } from 'dmaplan'
import { scenario } from '../support/scenario.js'
import { EDU, VTD_STRICT } from './platforms.js'

const host = platform({ ...VTD_STRICT, kernel: '7.3' })
const edu = host.device('edu', EDU)
const a = host.ram('a', { pages: 2 })
const b = host.ram('b', { pages: 1 })
const c = host.ram('c', { offset: 0x400, bytes: 0xc00 })
const d = host.ram('d', { pages: 3 })

export default scenario({
  platform: 'vtd-strict',
  since: '6.16',
  about: 'IOVA reuse after dma_iova_destroy() on a strict domain: same size class at once, another size not',
  plan: host
    .plan(edu, { name: 'iova_strict_reuse' })
    .transaction('t1', { strategy: 'iova', dir: 'to-device' }, [a])
    .deviceReads('t1', a)
    .unmap('t1')
    .transaction('t2', { strategy: 'iova', dir: 'bidirectional' }, [c, b])
    .transaction('t3', { strategy: 'iova', dir: 'from-device' }, [d])
    .deviceWrites('t2', c)
    .deviceReads('t2', b)
    .deviceWrites('t3', d)
    .unmap('t3')
    .unmap('t2')
    .cpuReads(c)
    .cpuReads(d)
    .build(),
})
