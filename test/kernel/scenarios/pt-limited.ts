// A 24-bit device on an identity domain: the page allocator never hands out ZONE_DMA to GFP_KERNEL, so the buffer is above the mask, and with no swiotlb pool the map fails; the driver unwinds.
import { platform } from 'dmaplan'
import { scenario } from '../support/scenario.js'
import { PASSTHROUGH } from './platforms.js'

const host = platform(PASSTHROUGH)
const edu = host.device('edu', { dmaMask: 24 })
const buf = host.ram('buf', { pages: 2 })

export default scenario({
  platform: 'passthrough',
  about: 'an addressing-limited device: DMA addr overflow, and the unwinding of what was mapped',
  fails: { tx: 'tx', message: /DMA addr 0x[0-9a-f]+\+8192 overflow \(mask ffffff, bus limit 0\)/ },
  plan: host
    .plan(edu, { name: 'pt_limited' })
    .transaction('tx', { strategy: 'page', dir: 'to-device' }, [buf])
    .deviceReads('tx', buf)
    .unmap('tx')
    .build(),
})
