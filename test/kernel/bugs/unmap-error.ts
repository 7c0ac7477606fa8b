// Unmapping the error value a failed map returns, as a driver that does not check does.
import { bug } from '../support/bug.js'
import { NO_IOMMU_LOW } from '../scenarios/platforms.js'

export default bug({
  name: 'bug_unmap_error',
  about: 'DMA_MAPPING_ERROR unmapped',
  platform: 'none-low',
  spec: NO_IOMMU_LOW,
  check: 'D8',
  buffers: {},
  calls: [{ fn: 'unmap', handle: 'error', size: 0x1000, dir: 'to-device' }],
})
