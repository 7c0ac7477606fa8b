// bug_unmap_resource's calls from 7.2: dma_unmap_resource() is dma_unmap_phys() with DMA_ATTR_MMIO, and dma-debug compares the attributes instead of the function.
import { bug } from '../support/bug.js'
import before from './unmap-resource.js'

export default bug({
  ...before,
  name: 'bug_unmap_resource_attrs',
  about: 'a page mapping unmapped with dma_unmap_resource(), which adds DMA_ATTR_MMIO',
  check: 'D23',
  until: undefined,
  since: '7.2',
})
