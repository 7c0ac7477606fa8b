// Unmapping a page mapping with dma_unmap_resource() from 7.2: dma_unmap_resource() is dma_unmap_phys() with DMA_ATTR_MMIO, and dma-debug compares the attributes.
import { bug } from '../support/bug.js'
import { NO_IOMMU_LOW } from '../scenarios/platforms.js'

export default bug({
  name: 'bug_unmap_resource_attrs',
  about: 'a page mapping unmapped with dma_unmap_resource(), which adds DMA_ATTR_MMIO',
  platform: 'none-low',
  spec: NO_IOMMU_LOW,
  check: 'D23',
  since: '7.2',
  buffers: { a: { bytes: 0x1000 } },
  calls: [
    { fn: 'map', handle: 'h', buf: 'a', dir: 'to-device' },
    { fn: 'unmap', handle: 'h', as: 'resource' },
  ],
})
