// Unmapping a page mapping with dma_unmap_resource(): the wrong function, up to 7.1 (from 7.2 a resource is a phys mapping with DMA_ATTR_MMIO: bug_unmap_resource_attrs).
import { bug } from '../support/bug.js'
import { NO_IOMMU_LOW } from '../scenarios/platforms.js'

export default bug({
  name: 'bug_unmap_resource',
  about: 'a page mapping unmapped with dma_unmap_resource()',
  platform: 'none-low',
  spec: NO_IOMMU_LOW,
  check: 'D11',
  until: '7.1',
  buffers: { a: { bytes: 0x1000 } },
  calls: [
    { fn: 'map', handle: 'h', buf: 'a', dir: 'to-device' },
    { fn: 'unmap', handle: 'h', as: 'resource' },
  ],
})
