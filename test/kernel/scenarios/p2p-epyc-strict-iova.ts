// The IOVA API on P2P memory through the host bridge, behind VT-d: dma_iova_link() of the peer's BAR with DMA_ATTR_MMIO (an MMIO mapping, never bounced), and edu writes into the BAR through the IOVA.
import { platform } from 'dmaplan'
import { scenario } from '../support/scenario.js'
import { EDU_64, P2P_EPYC_STRICT, SHM } from './platforms.js'

const host = platform(P2P_EPYC_STRICT)
const edu = host.device('edu', EDU_64)
const shm = host.device('shm', SHM)
const v = shm.p2p('v', { pages: 2 })
const w = shm.p2p('w', { bytes: 0x1000 })

export default scenario({
  platform: 'p2p-ports-epyc-strict',
  since: '7.0',
  about: 'iova of host-bridge P2P memory with DMA_ATTR_MMIO: linked, written by the device through the IOVA',
  plan: host
    .plan(edu, { name: 'p2p_epyc_strict_iova' })
    .transaction('rx', { strategy: 'iova', dir: 'from-device', attrs: ['DMA_ATTR_MMIO'] }, [v, w])
    .deviceWrites('rx', v)
    .deviceWrites('rx', w)
    .unmap('rx')
    .cpuReads(v)
    .cpuReads(w)
    .build(),
})
