// Coherent allocations without an IOMMU: the kernel allocates below the 28-bit coherent mask (retrying in a lower zone), and the DMA address is the physical address.
import { platform } from 'dmaplan'
import { scenario } from '../support/scenario.js'
import { EDU, NO_IOMMU } from './platforms.js'

const host = platform(NO_IOMMU)
const edu = host.device('edu', EDU)
const ring = host.ram('ring', { pages: 1 })
const desc = host.ram('desc', { offset: 0x40, bytes: 0x1400 })

export default scenario({
  platform: 'none',
  about: 'coherent allocations on dma-direct under the coherent mask',
  plan: host
    .plan(edu, { name: 'none_coherent' })
    .transaction('rings', { strategy: 'coherent', dir: 'bidirectional' }, [ring, desc])
    .deviceWrites('rings', ring)
    .cpuReads(ring)
    .cpuWrites(desc)
    .deviceReads('rings', desc)
    .unmap('rings')
    .build(),
})
