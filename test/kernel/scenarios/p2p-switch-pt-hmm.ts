// HMM mixing a host page and a peer's page below one switch, passthrough: hmm_dma_map_pfn() maps the host page at its physical address and the P2P page at its bus address; edu moves the bytes of both.
import { platform } from 'dmaplan'
import { scenario } from '../support/scenario.js'
import { EDU_64, P2P_SWITCH_PT, SHM } from './platforms.js'

const host = platform(P2P_SWITCH_PT)
const edu = host.device('edu', { ...EDU_64, at: 'sw' })
const shm = host.device('shm', { ...SHM, at: 'sw' })
const a = host.ram('a', { pages: 1 })
const v = shm.p2p('v', { pages: 1 })

export default scenario({
  platform: 'p2p-switch-pt',
  since: '7.0',
  about: 'hmm of host and P2P pages: physical and bus addresses, page by page',
  plan: host
    .plan(edu, { name: 'p2p_switch_pt_hmm' })
    .cpuWrites(v)
    .transaction('mr', { strategy: 'hmm', dir: 'bidirectional', populate: true }, [a, v])
    .deviceWrites('mr', a)
    .deviceReads('mr', v)
    .unmap('mr')
    .cpuReads(a)
    .build(),
})
