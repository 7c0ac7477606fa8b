// HMM mixing host pages and a peer's page through the host bridge, behind VT-d: hmm_dma_map_pfn() links the P2P page into the mirror's IOVA range as MMIO (7.0+), next to the host pages, and edu reads all of them.
import { platform } from 'dmaplan'
import { scenario } from '../support/scenario.js'
import { EDU_64, P2P_EPYC_STRICT, SHM } from './platforms.js'

const host = platform(P2P_EPYC_STRICT)
const edu = host.device('edu', EDU_64)
const shm = host.device('shm', SHM)
const a = host.ram('a', { pages: 1 })
const v = shm.p2p('v', { pages: 1 })

export default scenario({
  platform: 'p2p-ports-epyc-strict',
  since: '7.0',
  about: 'hmm of host and host-bridge P2P pages: both linked into one IOVA range',
  plan: host
    .plan(edu, { name: 'p2p_epyc_strict_hmm' })
    .cpuWrites(v)
    .transaction('mr', { strategy: 'hmm', dir: 'bidirectional', populate: true }, [a, v])
    .deviceWrites('mr', a)
    .deviceReads('mr', v)
    .unmap('mr')
    .cpuReads(a)
    .build(),
})
