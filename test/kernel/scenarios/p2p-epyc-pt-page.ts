// P2P through the host bridge with the IOMMU in passthrough: strategy page maps the peer's BAR with dma_map_phys() and DMA_ATTR_MMIO, at its physical address; edu reads it.
import { platform } from 'dmaplan'
import { scenario } from '../support/scenario.js'
import { EDU_64, P2P_EPYC_PT, SHM } from './platforms.js'

const host = platform(P2P_EPYC_PT)
const edu = host.device('edu', EDU_64)
const shm = host.device('shm', SHM)
const v = shm.p2p('v', { offset: 0x200, bytes: 0x1200 })

export default scenario({
  platform: 'p2p-ports-epyc-pt',
  since: '7.0',
  about: 'page of host-bridge P2P memory in passthrough: dma_map_phys(DMA_ATTR_MMIO) at the physical address',
  plan: host
    .plan(edu, { name: 'p2p_epyc_pt_page' })
    .cpuWrites(v)
    .transaction('tx', { strategy: 'page', dir: 'to-device', attrs: ['DMA_ATTR_MMIO'] }, [v])
    .deviceReads('tx', v)
    .unmap('tx')
    .build(),
})
