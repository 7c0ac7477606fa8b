// The same buffer mapped twice for the device to write, from 7.0: x86's DMA alignment is below a cacheline's tracking, so dma-debug no longer reports the overlap.
import { bug } from '../support/bug.js'
import { NO_IOMMU_LOW } from '../scenarios/platforms.js'

export default bug({
  name: 'bug_cacheline_overlap_7',
  about: 'one buffer mapped twice DMA_FROM_DEVICE, which 7.x does not report on x86',
  platform: 'none-low',
  spec: NO_IOMMU_LOW,
  check: 'none',
  since: '7.0',
  buffers: { a: { bytes: 0x1000 } },
  calls: [
    { fn: 'map', handle: 'h', buf: 'a', dir: 'from-device' },
    { fn: 'map', handle: 'g', buf: 'a', dir: 'from-device' },
    { fn: 'unmap', handle: 'g' },
    { fn: 'unmap', handle: 'h' },
  ],
})
