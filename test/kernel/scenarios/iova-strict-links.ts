// Four buffers linked into one IOVA range: the first starts 0x280 into its page, the last ends 0x900 into one; edu writes and reads across every boundary through the single DMA range.
import { platform } from 'dmaplan'
import { scenario } from '../support/scenario.js'
import { EDU, VTD_STRICT } from './platforms.js'

const host = platform({ ...VTD_STRICT, kernel: '7.3' })
const edu = host.device('edu', EDU)
const first = host.ram('first', { offset: 0x280, bytes: 0xd80 })
const mid1 = host.ram('mid1', { pages: 2 })
const mid2 = host.ram('mid2', { pages: 1 })
const last = host.ram('last', { bytes: 0x900 })

export default scenario({
  platform: 'vtd-strict',
  since: '6.16',
  about: 'several buffers with sub-page ends linked into one IOVA range, read and written by the device',
  plan: host
    .plan(edu, { name: 'iova_strict_links' })
    .cpuWrites(mid2)
    .transaction('mr', { strategy: 'iova', dir: 'bidirectional' }, [first, mid1, mid2, last])
    .deviceWrites('mr', first)
    .deviceWrites('mr', mid1, { offset: 0x800, bytes: 0x1000 })
    .deviceWrites('mr', last)
    .deviceReads('mr', first)
    .deviceReads('mr', mid1)
    .deviceReads('mr', mid2)
    .deviceReads('mr', last, { offset: 0x100, bytes: 0x800 })
    .unmap('mr')
    .cpuReads(first)
    .cpuReads(mid1)
    .cpuReads(last)
    .build(),
})
