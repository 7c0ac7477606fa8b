// P2P below one switch, IOMMU in passthrough: a scatterlist of a peer's BAR maps each entry at its PCI bus address (never merged), and edu really reads the BAR.
import { platform } from 'dmaplan'
import { scenario } from '../support/scenario.js'
import { EDU_64, P2P_SWITCH_PT, SHM } from './platforms.js'

const host = platform(P2P_SWITCH_PT)
const edu = host.device('edu', { ...EDU_64, at: 'sw' })
const shm = host.device('shm', { ...SHM, at: 'sw' })
const v = shm.p2p('v', { pages: 2 })
const w = shm.p2p('w', { bytes: 0x800 })

export default scenario({
  platform: 'p2p-switch-pt',
  since: '7.0',
  about: 'sg of P2P pages below one switch: bus addresses, and the bytes really arrive',
  plan: host
    .plan(edu, { name: 'p2p_switch_pt_sg' })
    .cpuWrites(v)
    .cpuWrites(w)
    .transaction('io', { strategy: 'sg', dir: 'to-device' }, [v, w])
    .deviceReads('io', v)
    .deviceReads('io', w)
    .unmap('io')
    .build(),
})
