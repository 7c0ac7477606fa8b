// The auto strategy of a driver built for 7.0, run without an IOMMU on 6.12: no IOVA, per-buffer maps, and without dma_need_unmap() (6.16) every one of them is unmapped.
import { platform } from 'dmaplan'
import { scenario } from '../support/scenario.js'
import { EDU, NO_IOMMU_LOW } from './platforms.js'

const host = platform({ ...NO_IOMMU_LOW, kernel: '7.0' })
const edu = host.device('edu', EDU)
const a = host.ram('a', { offset: 0x100, bytes: 0x700 })
const b = host.ram('b', { pages: 1 })

export default scenario({
  platform: 'none-low',
  about: 'auto dispatch on dma-direct: per-buffer maps, all unmapped',
  plan: host
    .plan(edu, { name: 'none_auto' })
    .cpuWrites(a)
    .transaction('mr', { strategy: 'auto', dir: 'to-device' }, [a, b])
    .deviceReads('mr', a)
    .deviceReads('mr', b)
    .unmap('mr')
    .build(),
})
