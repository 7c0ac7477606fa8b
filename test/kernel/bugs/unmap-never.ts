// Unmapping an address that was never mapped.
import { bug } from '../support/bug.js'
import { NO_IOMMU_LOW } from '../scenarios/platforms.js'

export default bug({
  name: 'bug_unmap_never',
  about: 'a buffer unmapped at an address nothing mapped',
  platform: 'none-low',
  spec: NO_IOMMU_LOW,
  check: 'D9',
  buffers: { a: { bytes: 0x1000 } },
  calls: [
    { fn: 'map', handle: 'h', buf: 'a', dir: 'to-device' },
    { fn: 'unmap', handle: 'h', offset: 0x10000 },
    { fn: 'unmap', handle: 'h' },
  ],
})
