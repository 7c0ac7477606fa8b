// auto behind VT-d with host memory and switch-local P2P memory: the host buffers go into one IOVA range (dma_iova_try_alloc/link/sync), the peer's buffer is mapped by bus address through a scatterlist.
import { platform } from 'dmaplan'
import { scenario } from '../support/scenario.js'
import { EDU_64, P2P_SWITCH_STRICT, SHM } from './platforms.js'

const host = platform(P2P_SWITCH_STRICT)
const edu = host.device('edu', { ...EDU_64, at: 'sw' })
const shm = host.device('shm', { ...SHM, at: 'sw' })
const a = host.ram('a', { pages: 1 })
const v = shm.p2p('v', { pages: 1 })
const b = host.ram('b', { bytes: 0x600 })

export default scenario({
  platform: 'p2p-switch-strict',
  since: '7.0',
  about: 'auto with host and P2P memory behind VT-d: IOVA for the host, bus address for the peer',
  plan: host
    .plan(edu, { name: 'p2p_switch_strict_auto' })
    .cpuWrites(a)
    .cpuWrites(b)
    .transaction('io', { strategy: 'auto', dir: 'to-device' }, [a, v, b])
    .deviceReads('io', a)
    .deviceReads('io', b)
    .unmap('io')
    .build(),
})
