// A sync after the unmap.
import { bug } from '../support/bug.js'
import { NO_IOMMU_LOW } from '../scenarios/platforms.js'

export default bug({
  name: 'bug_sync_unmapped',
  about: 'a sync for the CPU after the unmap',
  platform: 'none-low',
  spec: NO_IOMMU_LOW,
  check: 'D16',
  buffers: { a: { bytes: 0x1000 } },
  calls: [
    { fn: 'map', handle: 'h', buf: 'a', dir: 'from-device' },
    { fn: 'unmap', handle: 'h' },
    { fn: 'sync', handle: 'h', to: 'cpu' },
  ],
})
