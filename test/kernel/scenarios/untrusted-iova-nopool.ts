// An untrusted device with no swiotlb pool (x86 with under 4 GiB of RAM allocates none): the whole page links, the sub-granule tail would have to bounce and cannot, so its dma_iova_link() fails and the driver unwinds.
import { platform } from 'dmaplan'
import { scenario } from '../support/scenario.js'
import { EDU_UNTRUSTED, VTD_UNTRUSTED } from './platforms.js'

const host = platform(VTD_UNTRUSTED)
const edu = host.device('edu', EDU_UNTRUSTED)
const a = host.ram('a', { pages: 1 })
const b = host.ram('b', { bytes: 0x600 })

export default scenario({
  platform: 'vtd-untrusted',
  since: '7.0',
  about: 'dma_iova_link() of a sub-granule buffer on an untrusted device without a bounce pool fails',
  fails: { tx: 'tx', message: /DMA bounce buffers are inactive/ },
  plan: host
    .plan(edu, { name: 'untrusted_iova_nopool' })
    .transaction('tx', { strategy: 'iova', dir: 'to-device' }, [a, b])
    .deviceReads('tx', a)
    .unmap('tx')
    .build(),
})
