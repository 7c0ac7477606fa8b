// Unmapping a coherent allocation as if it were a streaming mapping, then freeing it.
import { bug } from '../support/bug.js'
import { NO_IOMMU_LOW } from '../scenarios/platforms.js'

export default bug({
  name: 'bug_unmap_coherent',
  about: 'a coherent buffer unmapped with the streaming unmap, then freed',
  platform: 'none-low',
  spec: NO_IOMMU_LOW,
  check: 'D11',
  buffers: {},
  calls: [
    { fn: 'alloc-coherent', handle: 'c', size: 0x1000 },
    { fn: 'unmap', handle: 'c', dir: 'bidirectional' },
    { fn: 'free-coherent', handle: 'c' },
  ],
})
