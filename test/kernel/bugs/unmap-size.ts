// Unmapping with a size other than the map's.
import { bug } from '../support/bug.js'
import { NO_IOMMU_LOW } from '../scenarios/platforms.js'

export default bug({
  name: 'bug_unmap_size',
  about: 'a page mapped, two pages unmapped',
  platform: 'none-low',
  spec: NO_IOMMU_LOW,
  check: 'D10',
  buffers: { a: { bytes: 0x2000 } },
  calls: [
    { fn: 'map', handle: 'h', buf: 'a', dir: 'to-device', size: 0x1000 },
    { fn: 'unmap', handle: 'h', size: 0x2000 },
  ],
})
