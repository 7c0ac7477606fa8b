// A mapping still there when the driver is unbound.
import { bug } from '../support/bug.js'
import { VTD_STRICT } from '../scenarios/platforms.js'

export default bug({
  name: 'bug_leak',
  about: 'a mapping never unmapped',
  platform: 'vtd-strict',
  spec: VTD_STRICT,
  check: 'D21',
  buffers: { a: { bytes: 0x1000 } },
  calls: [{ fn: 'map', handle: 'h', buf: 'a', dir: 'from-device' }],
})
