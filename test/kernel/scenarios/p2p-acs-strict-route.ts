// Two functions below one root port, behind VT-d: the IOMMU's set-up turns on the root port's ACS redirect, so P2P between them goes up to the host bridge, which the kernel does not trust: no route (and the kernel names pci=disable_acs_redir). The plan maps RAM only.
import { platform } from 'dmaplan'
import { scenario } from '../support/scenario.js'
import { EDU_64, P2P_ACS_STRICT, SHM } from './platforms.js'

const host = platform(P2P_ACS_STRICT)
const edu = host.device('edu', { ...EDU_64, at: 'rp' })
const shm = host.device('shm', { ...SHM, at: 'rp' })
const a = host.ram('a', { pages: 1 })
const v = shm.p2p('v', { pages: 1 })

export default scenario({
  platform: 'p2p-acs-strict',
  since: '7.0',
  about: 'ACS redirect on the common root port: no P2P route',
  plan: host
    .plan(edu, { name: 'p2p_acs_strict_route' })
    .cpuWrites(a)
    .cpuWrites(v)
    .transaction('io', { strategy: 'page', dir: 'to-device' }, [a])
    .deviceReads('io', a)
    .unmap('io')
    .build(),
})
