// A scatterlist of a peer's BAR below one switch, behind VT-d: iommu_dma_map_sg() gives each P2P entry its bus address and takes no IOVA for it. (QEMU routes edu's bus-address DMA through its IOMMU, so the harness does not move these bytes.)
import { platform } from 'dmaplan'
import { scenario } from '../support/scenario.js'
import { EDU_64, P2P_SWITCH_STRICT, SHM } from './platforms.js'

const host = platform(P2P_SWITCH_STRICT)
const edu = host.device('edu', { ...EDU_64, at: 'sw' })
const shm = host.device('shm', { ...SHM, at: 'sw' })
const v = shm.p2p('v', { pages: 2 })
const w = shm.p2p('w', { offset: 0x100, bytes: 0x400 })

export default scenario({
  platform: 'p2p-switch-strict',
  since: '7.0',
  about: 'sg of P2P pages behind VT-d: bus addresses, no IOVA',
  plan: host
    .plan(edu, { name: 'p2p_switch_strict_sg' })
    .transaction('io', { strategy: 'sg', dir: 'bidirectional' }, [v, w])
    .unmap('io')
    .build(),
})
