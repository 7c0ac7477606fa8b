// Unmapping twice behind VT-d: the IOMMU layer warns and returns early, then dma-debug reports the unmap.
import { bug } from '../support/bug.js'
import { VTD_STRICT } from '../scenarios/platforms.js'

export default bug({
  name: 'bug_double_unmap_iommu',
  about: 'a mapping unmapped twice behind VT-d',
  platform: 'vtd-strict',
  spec: VTD_STRICT,
  check: 'D9',
  buffers: { a: { bytes: 0x1000 } },
  calls: [
    { fn: 'map', handle: 'h', buf: 'a', dir: 'to-device' },
    { fn: 'unmap', handle: 'h' },
    { fn: 'unmap', handle: 'h' },
  ],
})
