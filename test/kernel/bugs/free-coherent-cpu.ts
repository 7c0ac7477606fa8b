// Freeing a coherent allocation with another CPU address than it was given. dma-direct frees by the DMA address, so the kernel survives it.
import { bug } from '../support/bug.js'
import { NO_IOMMU_LOW } from '../scenarios/platforms.js'

export default bug({
  name: 'bug_free_coherent_cpu',
  about: 'a coherent page freed with its CPU address one page off',
  platform: 'none-low',
  spec: NO_IOMMU_LOW,
  check: 'D12',
  buffers: {},
  calls: [
    { fn: 'alloc-coherent', handle: 'c', size: 0x1000 },
    { fn: 'free-coherent', handle: 'c', cpuOffset: 0x1000 },
  ],
})
