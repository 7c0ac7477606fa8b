// Three mappings left at unbind: dma-debug names the last entry it finds walking its hash
// bucket by bucket (device_dma_allocations()), not the oldest. Behind VT-d the IOVAs go down
// from 4 GiB: the first two share the top bucket, the third is in the one below, so the entry
// named is the second mapping.
import { bug } from '../support/bug.js'
import { VTD_STRICT } from '../scenarios/platforms.js'

export default bug({
  name: 'bug_leak_order',
  about: 'three mappings never unmapped, named as the hash walk finds them',
  platform: 'vtd-strict',
  spec: VTD_STRICT,
  check: 'D21',
  buffers: { a: { bytes: 0x1000 }, b: { bytes: 0x1000 }, c: { bytes: 0x1000 } },
  calls: [
    { fn: 'map', handle: 'ha', buf: 'a', dir: 'from-device' },
    { fn: 'map', handle: 'hb', buf: 'b', dir: 'from-device' },
    { fn: 'map', handle: 'hc', buf: 'c', dir: 'from-device' },
  ],
})
