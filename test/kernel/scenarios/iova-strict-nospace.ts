// A 20-bit device behind VT-d: a state of 128 granules must be aligned to 128, and below 1 MiB only 0 is free for it (the harness's page sits at the top), so dma_iova_try_alloc() says no; each buffer then gets its own IOVA from dma_map_phys(), walking around the host bridge's VGA window (0xa0000-0xbffff), which the IOVA space reserves.
import { platform } from 'dmaplan'
import { scenario } from '../support/scenario.js'
import { VTD_STRICT } from './platforms.js'

const host = platform({ ...VTD_STRICT, kernel: '7.3' })
const edu = host.device('edu', { dmaMask: 20 })
const a = host.ram('a', { pages: 64 })
const b = host.ram('b', { pages: 32 })
const c = host.ram('c', { pages: 32 })

export default scenario({
  platform: 'vtd-strict',
  since: '6.16',
  about: 'no IOVA space for the state: dma_iova_try_alloc() says no, per-buffer maps around the reserved VGA window',
  plan: host
    .plan(edu, { name: 'iova_strict_nospace' })
    .transaction('mr', { strategy: 'iova', dir: 'bidirectional' }, [a, b, c])
    .deviceWrites('mr', a)
    .deviceWrites('mr', c)
    .deviceReads('mr', b)
    .deviceReads('mr', c)
    .unmap('mr')
    .cpuReads(a)
    .cpuReads(c)
    .build(),
})
