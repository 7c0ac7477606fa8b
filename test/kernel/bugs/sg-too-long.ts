// A scatterlist entry longer than the device's maximum segment (64 KiB by default).
import { bug } from '../support/bug.js'
import { NO_IOMMU_LOW } from '../scenarios/platforms.js'

export default bug({
  name: 'bug_sg_too_long',
  about: 'one 128 KiB entry for a device of 64 KiB segments',
  platform: 'none-low',
  spec: NO_IOMMU_LOW,
  check: 'D4',
  buffers: { a: { bytes: 0x20000 } },
  calls: [
    { fn: 'map-sg', handle: 't', bufs: ['a'], dir: 'to-device' },
    { fn: 'unmap-sg', handle: 't' },
  ],
})
