// A partial unlink: three buffers linked into one IOVA range, the middle one taken out with dma_iova_unlink() while the others stay mapped and in use; the unmap then unlinks what is left run by run and frees the range (dma_iova_destroy() needs all of [0, mapped_len) linked).
import { platform } from 'dmaplan'
import { scenario } from '../support/scenario.js'
import { EDU, VTD_STRICT } from './platforms.js'

const host = platform({ ...VTD_STRICT, kernel: '7.3' })
const edu = host.device('edu', EDU)
const a = host.ram('a', { offset: 0x400, bytes: 0xc00 })
const b = host.ram('b', { pages: 2 })
const c = host.ram('c', { bytes: 0x800 })

export default scenario({
  platform: 'vtd-strict',
  since: '6.16',
  about: 'dma_iova_unlink() of the middle buffer; the rest of the range stays mapped and in use',
  plan: host
    .plan(edu, { name: 'iova_strict_unlink' })
    .transaction('mr', { strategy: 'iova', dir: 'bidirectional' }, [a, b, c])
    .deviceWrites('mr', a)
    .deviceWrites('mr', b)
    .deviceWrites('mr', c)
    .unlink('mr', b)
    .cpuReads(b)
    .deviceReads('mr', a)
    .deviceReads('mr', c)
    .unmap('mr')
    .cpuReads(a)
    .cpuReads(c)
    .build(),
})
