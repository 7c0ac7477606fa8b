// A sync for the CPU with the wrong direction: dma-debug says so, and that the device only reads the memory.
import { bug } from '../support/bug.js'
import { VTD_STRICT } from '../scenarios/platforms.js'

export default bug({
  name: 'bug_sync_dir',
  about: 'mapped DMA_TO_DEVICE, synced for the CPU as DMA_FROM_DEVICE',
  platform: 'vtd-strict',
  spec: VTD_STRICT,
  check: 'D18',
  buffers: { a: { bytes: 0x1000 } },
  calls: [
    { fn: 'map', handle: 'h', buf: 'a', dir: 'to-device' },
    { fn: 'sync', handle: 'h', to: 'cpu', dir: 'from-device' },
    { fn: 'unmap', handle: 'h' },
  ],
})
