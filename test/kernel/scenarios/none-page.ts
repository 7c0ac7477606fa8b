// No IOMMU, all RAM below edu's 28-bit mask: the DMA address is the physical address.
import { platform } from 'dmaplan'
import { scenario } from '../support/scenario.js'
import { EDU, NO_IOMMU_LOW } from './platforms.js'

const host = platform(NO_IOMMU_LOW)
const edu = host.device('edu', EDU)
const a = host.ram('a', { pages: 2 })
const b = host.ram('b', { offset: 0x600, bytes: 0x400 })

export default scenario({
  platform: 'none-low',
  about: 'dma-direct single mappings: DMA address = phys below the mask, a round trip',
  plan: host
    .plan(edu, { name: 'none_page' })
    .transaction('tx', { strategy: 'page', dir: 'bidirectional' }, [a, b])
    .deviceWrites('tx', a)
    .deviceReads('tx', a)
    .deviceWrites('tx', b)
    .unmap('tx')
    .cpuReads(a)
    .cpuReads(b)
    .build(),
})
