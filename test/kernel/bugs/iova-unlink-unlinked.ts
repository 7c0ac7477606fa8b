// Unlinking a part of an IOVA range that was never linked: the IOMMU unmaps nothing and dma_iova_unlink() WARNs. dma-debug does not see the IOVA API.
import { bug } from '../support/bug.js'
import { VTD_STRICT } from '../scenarios/platforms.js'

export default bug({
  name: 'bug_iova_unlink_unlinked',
  about: 'the second page of an IOVA range unlinked, only the first linked',
  platform: 'vtd-strict',
  spec: VTD_STRICT,
  check: 'none',
  since: '6.16',
  buffers: { a: { bytes: 0x1000 } },
  calls: [
    { fn: 'iova-alloc', handle: 's', buf: 'a', size: 0x2000 },
    { fn: 'iova-link', handle: 's', buf: 'a', offset: 0, dir: 'from-device' },
    { fn: 'iova-sync', handle: 's', offset: 0, size: 0x1000 },
    { fn: 'iova-unlink', handle: 's', offset: 0x1000, size: 0x1000, dir: 'from-device' },
    { fn: 'iova-destroy', handle: 's', mapped: 0x1000, dir: 'from-device' },
  ],
})
