// Root ports of their own on q35 with QEMU's default (Intel) CPU: the host bridge 8086:29c0 is not on the kernel's list, so there is no P2P route (pci_p2pdma_distance_many() is -1, and the kernel says why); the rules refuse to map the peer's memory, so the plan maps RAM only.
import { platform } from 'dmaplan'
import { scenario } from '../support/scenario.js'
import { EDU_64, P2P_PORTS_STRICT, SHM } from './platforms.js'

const host = platform(P2P_PORTS_STRICT)
const edu = host.device('edu', EDU_64)
const shm = host.device('shm', SHM)
const a = host.ram('a', { pages: 2 })
const v = shm.p2p('v', { pages: 1 })

export default scenario({
  platform: 'p2p-ports-strict',
  since: '7.0',
  about: 'no common switch and an untrusted host bridge: no P2P route',
  plan: host
    .plan(edu, { name: 'p2p_ports_strict_route' })
    .cpuWrites(v)
    .transaction('io', { strategy: 'sg', dir: 'from-device' }, [a])
    .deviceWrites('io', a)
    .unmap('io')
    .cpuReads(a)
    .cpuReads(v)
    .build(),
})
