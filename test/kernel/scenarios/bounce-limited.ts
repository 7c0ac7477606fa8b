// swiotlb=force and a 24-bit device: the pool itself sits above 16 MiB, so the bounce address is unreachable and the map fails with "swiotlb addr ... overflow".
import { platform } from 'dmaplan'
import { scenario } from '../support/scenario.js'
import { BOUNCE } from './platforms.js'

const host = platform(BOUNCE)
const edu = host.device('edu', { dmaMask: 24 })
const buf = host.ram('buf', { pages: 1 })

export default scenario({
  platform: 'bounce',
  about: 'a bounce buffer the device cannot reach: swiotlb addr overflow',
  fails: { tx: 'tx', message: /swiotlb addr 0x[0-9a-f]+\+4096 overflow \(mask ffffff, bus limit 0\)/ },
  plan: host
    .plan(edu, { name: 'bounce_limited' })
    .transaction('tx', { strategy: 'page', dir: 'to-device' }, [buf])
    .deviceReads('tx', buf)
    .unmap('tx')
    .build(),
})
