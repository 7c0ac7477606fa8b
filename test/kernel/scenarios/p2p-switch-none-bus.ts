// P2P below one switch without an IOMMU: strategy p2p-bus maps the peer's BAR with dma_map_sgtable() and checks that every entry is a bus address; edu writes into the BAR and the CPU reads it back.
import { platform } from 'dmaplan'
import { scenario } from '../support/scenario.js'
import { EDU_64, P2P_SWITCH_NONE, SHM } from './platforms.js'

const host = platform(P2P_SWITCH_NONE)
const edu = host.device('edu', { ...EDU_64, at: 'sw' })
const shm = host.device('shm', { ...SHM, at: 'sw' })
const v = shm.p2p('v', { pages: 3 })

export default scenario({
  platform: 'p2p-switch-none',
  since: '7.0',
  about: 'p2p-bus without an IOMMU: the device writes the peer by bus address',
  plan: host
    .plan(edu, { name: 'p2p_switch_none_bus' })
    .transaction('rx', { strategy: 'p2p-bus', dir: 'from-device' }, [v])
    .deviceWrites('rx', v)
    .unmap('rx')
    .cpuReads(v)
    .build(),
})
