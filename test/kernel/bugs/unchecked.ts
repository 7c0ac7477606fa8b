// A map whose result is never passed to dma_mapping_error(): reported when it is unmapped.
import { bug } from '../support/bug.js'
import { VTD_STRICT } from '../scenarios/platforms.js'

export default bug({
  name: 'bug_unchecked',
  about: 'the map error never checked',
  platform: 'vtd-strict',
  spec: VTD_STRICT,
  check: 'D15',
  buffers: { a: { bytes: 0x1000 } },
  calls: [
    { fn: 'map', handle: 'h', buf: 'a', dir: 'bidirectional', check: false },
    { fn: 'unmap', handle: 'h' },
  ],
})
