// HMM mixing host and P2P pages below one switch, behind VT-d: the host pages are linked into the mirror's IOVA range, the P2P page gets its bus address (HMM_PFN_P2PDMA_BUS). QEMU sends edu's bus-address DMA through its IOMMU, so the harness moves only the host pages' bytes.
import { platform } from 'dmaplan'
import { scenario } from '../support/scenario.js'
import { EDU_64, P2P_SWITCH_STRICT, SHM } from './platforms.js'

const host = platform(P2P_SWITCH_STRICT)
const edu = host.device('edu', { ...EDU_64, at: 'sw' })
const shm = host.device('shm', { ...SHM, at: 'sw' })
const a = host.ram('a', { pages: 2 })
const v = shm.p2p('v', { pages: 1 })
const b = host.ram('b', { pages: 1 })

export default scenario({
  platform: 'p2p-switch-strict',
  since: '7.0',
  about: 'hmm of host and P2P pages behind VT-d: IOVA slots for host pages, the bus address for the peer',
  plan: host
    .plan(edu, { name: 'p2p_switch_strict_hmm' })
    .transaction('mr', { strategy: 'hmm', dir: 'bidirectional', populate: true }, [a, v, b])
    .deviceWrites('mr', a)
    .deviceReads('mr', b)
    .unmap('mr')
    .cpuReads(a)
    .build(),
})
