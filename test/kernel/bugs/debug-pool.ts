// More mappings alive at once than dma-debug preallocated entries for (booted with dma_debug_entries=64): its pool grows a page of entries at a time and says so at each multiple of the preallocation.
import { bug } from '../support/bug.js'
import { NO_IOMMU_LOW } from '../scenarios/platforms.js'

/** 97 entries: the pool of 64 grows to 96 (silent: 96 % 64 is a page's 32 entries) and then to 128 (200%). */
const PAGES = 97
const bufs = Array.from({ length: PAGES }, (_, i) => `p${i}`)

export default bug({
  name: 'bug_debug_pool',
  about: `${PAGES} sg entries alive with a pool of 64 dma-debug entries`,
  // dma-direct: every entry of the list is mapped on its own, one dma-debug entry each.
  platform: 'none-low',
  spec: NO_IOMMU_LOW,
  check: 'D22',
  debugEntries: 64,
  buffers: Object.fromEntries(bufs.map((b) => [b, { bytes: 0x1000 }])),
  calls: [
    { fn: 'map-sg', handle: 't', bufs, dir: 'to-device' },
    { fn: 'unmap-sg', handle: 't' },
  ],
})
