// A scatterlist synced with fewer entries than it was mapped with.
import { bug } from '../support/bug.js'
import { NO_IOMMU_LOW } from '../scenarios/platforms.js'

export default bug({
  name: 'bug_sg_sync_count',
  about: 'two entries mapped, one synced',
  platform: 'none-low',
  spec: NO_IOMMU_LOW,
  check: 'D20',
  buffers: { a: { bytes: 0x1000 }, b: { bytes: 0x1000 } },
  calls: [
    { fn: 'map-sg', handle: 't', bufs: ['a', 'b'], dir: 'from-device' },
    { fn: 'sync-sg', handle: 't', to: 'cpu', nents: 1 },
    { fn: 'unmap-sg', handle: 't' },
  ],
})
