// A sync for the device of memory the device only writes, with the wrong direction.
import { bug } from '../support/bug.js'
import { NO_IOMMU_LOW } from '../scenarios/platforms.js'

export default bug({
  name: 'bug_sync_writeonly',
  about: 'mapped DMA_FROM_DEVICE, synced for the device as DMA_TO_DEVICE',
  platform: 'none-low',
  spec: NO_IOMMU_LOW,
  check: 'D19',
  buffers: { a: { bytes: 0x1000 } },
  calls: [
    { fn: 'map', handle: 'h', buf: 'a', dir: 'from-device' },
    { fn: 'sync', handle: 'h', to: 'device', dir: 'to-device' },
    { fn: 'unmap', handle: 'h' },
  ],
})
