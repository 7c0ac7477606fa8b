// A scatterlist with a sub-granule entry on an untrusted device without a bounce pool: iommu_dma_map_sg() would bounce the entry, cannot, and the whole map fails.
import { platform } from 'dmaplan'
import { scenario } from '../support/scenario.js'
import { EDU_UNTRUSTED, VTD_UNTRUSTED } from './platforms.js'

const host = platform(VTD_UNTRUSTED)
const edu = host.device('edu', EDU_UNTRUSTED)
const a = host.ram('a', { pages: 1 })
const b = host.ram('b', { offset: 0x200, bytes: 0x400 })

export default scenario({
  platform: 'vtd-untrusted',
  since: '7.0',
  about: 'sg with a sub-granule entry on an untrusted device without a bounce pool: the map fails',
  fails: { tx: 'io', message: /DMA bounce buffers are inactive/ },
  plan: host
    .plan(edu, { name: 'untrusted_sg' })
    .transaction('io', { strategy: 'sg', dir: 'from-device' }, [a, b])
    .deviceWrites('io', a)
    .unmap('io')
    .build(),
})
