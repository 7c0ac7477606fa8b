// A sync longer than the mapping, from its start: dma-debug looks the sync up by containment of the whole range, finds nothing, and reports memory it has not allocated; its own check for a sync outside the allocated range (D17) is never reached.
import { bug } from '../support/bug.js'
import { NO_IOMMU_LOW } from '../scenarios/platforms.js'

export default bug({
  name: 'bug_sync_beyond',
  about: 'a page mapped, two pages synced for the CPU',
  platform: 'none-low',
  spec: NO_IOMMU_LOW,
  check: 'D16',
  buffers: { a: { bytes: 0x2000 } },
  calls: [
    { fn: 'map', handle: 'h', buf: 'a', dir: 'from-device', size: 0x1000 },
    { fn: 'sync', handle: 'h', to: 'cpu', size: 0x2000 },
    { fn: 'unmap', handle: 'h' },
  ],
})
