// bug_double_unmap's calls behind VT-d: the IOMMU layer warns and returns early, then dma-debug reports the unmap.
import { bug } from '../support/bug.js'
import { VTD_STRICT } from '../scenarios/platforms.js'
import onDirect from './double-unmap.js'

export default bug({
  ...onDirect,
  name: 'bug_double_unmap_iommu',
  about: 'a mapping unmapped twice behind VT-d',
  platform: 'vtd-strict',
  spec: VTD_STRICT,
})
