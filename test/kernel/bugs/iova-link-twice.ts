// Linking into an offset of an IOVA range that is linked already: from 6.19 VT-d's generic page table refuses the whole link with -EADDRINUSE and keeps the first; before, it warned of each entry, kept it and returned 0 (kernel-changes.ts, vtd-generic-pt). dma-debug does not see the IOVA API.
import { bug } from '../support/bug.js'
import { VTD_STRICT } from '../scenarios/platforms.js'

export default bug({
  name: 'bug_iova_link_twice',
  about: 'two pages linked at offset 0 of an IOVA range whose first page is linked',
  platform: 'vtd-strict',
  spec: VTD_STRICT,
  check: 'none',
  since: '6.16',
  buffers: { a: { bytes: 0x1000 }, b: { bytes: 0x2000 } },
  calls: [
    { fn: 'iova-alloc', handle: 's', buf: 'a', size: 0x2000 },
    { fn: 'iova-link', handle: 's', buf: 'a', offset: 0, dir: 'to-device' },
    { fn: 'iova-link', handle: 's', buf: 'b', offset: 0, dir: 'to-device' },
    { fn: 'iova-sync', handle: 's', offset: 0, size: 0x1000 },
    { fn: 'iova-destroy', handle: 's', mapped: 0x1000, dir: 'to-device' },
  ],
})
