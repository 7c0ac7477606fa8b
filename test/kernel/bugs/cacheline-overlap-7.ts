// bug_cacheline_overlap's calls from 7.0: x86's DMA alignment is below a cacheline's tracking, so dma-debug no longer reports the overlap.
import { bug } from '../support/bug.js'
import before from './cacheline-overlap.js'

export default bug({
  ...before,
  name: 'bug_cacheline_overlap_7',
  about: 'one buffer mapped twice DMA_FROM_DEVICE, which 7.x does not report on x86',
  check: 'none',
  until: undefined,
  since: '7.0',
})
