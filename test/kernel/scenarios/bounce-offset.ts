// Sub-page buffers with swiotlb=force: a bounce buffer is slot-aligned (2 KiB) and does not keep the in-page offset unless the device sets min_align_mask.
import { platform } from 'dmaplan'
import { scenario } from '../support/scenario.js'
import { BOUNCE, EDU } from './platforms.js'

const host = platform(BOUNCE)
const edu = host.device('edu', EDU)
const hdr = host.ram('hdr', { offset: 0x280, bytes: 0x300 })
const body = host.ram('body', { offset: 0xa00, bytes: 0xc00 })

export default scenario({
  platform: 'bounce',
  about: 'bounce-slot alignment of sub-page buffers, from the device',
  plan: host
    .plan(edu, { name: 'bounce_offset' })
    .transaction('rx', { strategy: 'page', dir: 'from-device' }, [hdr, body])
    .deviceWrites('rx', hdr)
    .deviceWrites('rx', body)
    .syncForCpu('rx')
    .cpuReads(hdr)
    .unmap('rx')
    .cpuReads(body)
    .build(),
})
