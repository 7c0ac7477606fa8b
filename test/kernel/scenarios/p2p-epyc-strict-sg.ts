// P2P through the host bridge (root ports of their own, an AMD Zen CPU the kernel trusts), behind VT-d: the peer's pages are mapped through the IOMMU like RAM, so a scatterlist of two P2P buffers that meet on a page boundary becomes one IOVA segment; edu reaches the BAR through it.
import { platform } from 'dmaplan'
import { scenario } from '../support/scenario.js'
import { EDU_64, P2P_EPYC_STRICT, SHM } from './platforms.js'

const host = platform(P2P_EPYC_STRICT)
const edu = host.device('edu', EDU_64)
const shm = host.device('shm', SHM)
const v = shm.p2p('v', { offset: 0x800, bytes: 0x800 })
const w = shm.p2p('w', { pages: 1 })

export default scenario({
  platform: 'p2p-ports-epyc-strict',
  since: '7.0',
  about: 'sg through the host bridge: P2P pages merge into one IOVA segment, the bytes arrive',
  plan: host
    .plan(edu, { name: 'p2p_epyc_strict_sg' })
    .cpuWrites(v)
    .cpuWrites(w)
    .transaction('io', { strategy: 'sg', dir: 'to-device' }, [v, w])
    .deviceReads('io', v)
    .deviceReads('io', w)
    .unmap('io')
    .build(),
})
