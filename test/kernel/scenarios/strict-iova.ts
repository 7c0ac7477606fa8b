// The IOVA strategy: on 7.x one IOVA range for both buffers; on Debian's 6.12 the driver is built for 7.0, dma_iova_try_alloc() comes from the compat header and says no, so each buffer is mapped on its own.
import { platform } from 'dmaplan'
import { scenario } from '../support/scenario.js'
import { EDU, VTD_STRICT } from './platforms.js'

const host = platform({ ...VTD_STRICT, kernel: '7.0' })
const edu = host.device('edu', EDU)
const a = host.ram('a', { pages: 1 })
const b = host.ram('b', { pages: 2 })

export default scenario({
  platform: 'vtd-strict',
  about: 'the IOVA strategy: one range on 7.x, the per-buffer fallback on 6.12',
  plan: host
    .plan(edu, { name: 'strict_iova' })
    .transaction('mr', { strategy: 'iova', dir: 'bidirectional' }, [a, b])
    .deviceWrites('mr', a)
    .deviceWrites('mr', b)
    .deviceReads('mr', b)
    .unmap('mr')
    .cpuReads(a)
    .build(),
})
