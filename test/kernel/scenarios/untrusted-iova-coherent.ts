// A link the kernel refuses: on an untrusted device a sub-granule buffer would have to bounce, and DMA_ATTR_REQUIRE_COHERENT forbids that, so dma_iova_link() returns -EPERM before linking anything; the driver destroys the state and fails.
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
  about: 'dma_iova_link() of a sub-granule buffer with DMA_ATTR_REQUIRE_COHERENT on an untrusted device: -EPERM',
  fails: { tx: 'tx' },
  plan: host
    .plan(edu, { name: 'untrusted_iova_coherent' })
    .transaction('tx', { strategy: 'iova', dir: 'to-device', attrs: ['DMA_ATTR_REQUIRE_COHERENT'] }, [a, b])
    .deviceReads('tx', a)
    .unmap('tx')
    .build(),
})
