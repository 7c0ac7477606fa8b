// Linking a buffer that starts off the IOMMU granule at a non-zero offset into an IOVA range: dma_iova_link() WARNs once and returns -EIO (the coalescing plan rule R6 exists for this). dma-debug does not see the IOVA API.
import { bug } from '../support/bug.js'
import { VTD_STRICT } from '../scenarios/platforms.js'

export default bug({
  name: 'bug_iova_link_offset',
  about: 'a buffer 0x200 into its page linked at offset 0x1000 of an IOVA range',
  platform: 'vtd-strict',
  spec: VTD_STRICT,
  check: 'none',
  since: '6.16',
  buffers: { a: { bytes: 0x1000 }, b: { bytes: 0x800, offset: 0x200 } },
  calls: [
    { fn: 'iova-alloc', handle: 's', buf: 'a', size: 0x2000 },
    { fn: 'iova-link', handle: 's', buf: 'a', offset: 0, dir: 'to-device' },
    { fn: 'iova-link', handle: 's', buf: 'b', offset: 0x1000, dir: 'to-device' },
    { fn: 'iova-sync', handle: 's', offset: 0, size: 0x1000 },
    { fn: 'iova-destroy', handle: 's', mapped: 0x1000, dir: 'to-device' },
  ],
})
