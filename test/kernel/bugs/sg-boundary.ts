// A scatterlist entry across the device's segment boundary (4 KiB here, set by the driver).
import { bug } from '../support/bug.js'
import { NO_IOMMU_LOW } from '../scenarios/platforms.js'

export default bug({
  name: 'bug_sg_boundary',
  about: 'an 8 KiB entry for a device whose segments may not cross 4 KiB',
  platform: 'none-low',
  spec: NO_IOMMU_LOW,
  check: 'D5',
  device: { segmentBoundary: 0xfff },
  buffers: { a: { bytes: 0x2000 } },
  calls: [
    { fn: 'map-sg', handle: 't', bufs: ['a'], dir: 'to-device' },
    { fn: 'unmap-sg', handle: 't' },
  ],
})
