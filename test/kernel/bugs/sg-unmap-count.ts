// A scatterlist unmapped with fewer entries than it was mapped with, behind VT-d.
import { bug } from '../support/bug.js'
import { VTD_STRICT } from '../scenarios/platforms.js'

export default bug({
  name: 'bug_sg_unmap_count',
  about: 'two entries mapped, one unmapped',
  platform: 'vtd-strict',
  spec: VTD_STRICT,
  check: 'D13',
  buffers: { a: { bytes: 0x1000 }, b: { bytes: 0x1000 } },
  calls: [
    { fn: 'map-sg', handle: 't', bufs: ['a', 'b'], dir: 'to-device' },
    { fn: 'unmap-sg', handle: 't', nents: 1 },
  ],
})
