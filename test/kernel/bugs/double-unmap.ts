// Unmapping twice on dma-direct: the second unmap finds no entry.
import { bug } from '../support/bug.js'
import { NO_IOMMU_LOW } from '../scenarios/platforms.js'

export default bug({
  name: 'bug_double_unmap',
  about: 'a mapping unmapped twice',
  platform: 'none-low',
  spec: NO_IOMMU_LOW,
  check: 'D9',
  buffers: { a: { bytes: 0x1000 } },
  calls: [
    { fn: 'map', handle: 'h', buf: 'a', dir: 'to-device' },
    { fn: 'unmap', handle: 'h' },
    { fn: 'unmap', handle: 'h' },
  ],
})
