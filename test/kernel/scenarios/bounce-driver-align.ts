// swiotlb=force, and a driver that sets min_align_mask and a segment boundary after its first mapping (K-R46): the second bounce keeps the buffer's in-page offset, the first did not.
import { platform } from 'dmaplan'
import { scenario } from '../support/scenario.js'
import { BOUNCE, EDU } from './platforms.js'

const host = platform(BOUNCE)
const edu = host.device('edu', EDU)
const hdr = host.ram('hdr', { offset: 0xa40, bytes: 0x100 })
const body = host.ram('body', { offset: 0xa40, bytes: 0x100 })

export default scenario({
  platform: 'bounce',
  about: 'driver steps: min_align_mask and a segment boundary set between two bounced mappings',
  plan: host
    .plan(edu, { name: 'bounce_driver_align' })
    .transaction('early', { strategy: 'page', dir: 'to-device' }, [hdr])
    .deviceReads('early', hdr)
    .setMinAlignMask(0xfff)
    .setSegmentBoundary(0xffff)
    .transaction('late', { strategy: 'page', dir: 'from-device' }, [body])
    .deviceWrites('late', body)
    .unmap('late')
    .unmap('early')
    .cpuReads(body)
    .build(),
})
