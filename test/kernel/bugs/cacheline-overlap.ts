// The same buffer mapped twice for the device to write: dma-debug's cacheline tracking reports it where the release checks it.
import { bug } from '../support/bug.js'
import { NO_IOMMU_LOW } from '../scenarios/platforms.js'

export default bug({
  name: 'bug_cacheline_overlap',
  about: 'one buffer mapped twice DMA_FROM_DEVICE',
  platform: 'none-low',
  spec: NO_IOMMU_LOW,
  check: 'D6',
  until: '6.19',
  buffers: { a: { bytes: 0x1000 } },
  calls: [
    { fn: 'map', handle: 'h', buf: 'a', dir: 'from-device' },
    { fn: 'map', handle: 'g', buf: 'a', dir: 'from-device' },
    { fn: 'unmap', handle: 'g' },
    { fn: 'unmap', handle: 'h' },
  ],
})
