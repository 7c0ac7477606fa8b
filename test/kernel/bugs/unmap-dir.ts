// Unmapping with another direction than the map's, behind VT-d.
import { bug } from '../support/bug.js'
import { VTD_STRICT } from '../scenarios/platforms.js'

export default bug({
  name: 'bug_unmap_dir',
  about: 'mapped DMA_TO_DEVICE, unmapped DMA_FROM_DEVICE',
  platform: 'vtd-strict',
  spec: VTD_STRICT,
  check: 'D14',
  buffers: { a: { bytes: 0x1000 } },
  calls: [
    { fn: 'map', handle: 'h', buf: 'a', dir: 'to-device' },
    { fn: 'unmap', handle: 'h', dir: 'from-device' },
  ],
})
