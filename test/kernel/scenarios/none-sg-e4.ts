// docs/kernel-behaviour.md E4: E1's scatterlist without an IOMMU is three segments at the entries' physical addresses.
import { platform } from 'dmaplan'
import { scenario } from '../support/scenario.js'
import { E1, EDU, NO_IOMMU_LOW } from './platforms.js'

const host = platform(NO_IOMMU_LOW)
const edu = host.device('edu', EDU)
const a = host.ram('a', E1.a)
const b = host.ram('b', E1.b)
const c = host.ram('c', E1.c)

export default scenario({
  platform: 'none-low',
  about: 'E4: a scatterlist on dma-direct, one segment per entry',
  plan: host
    .plan(edu, { name: 'none_sg_e4' })
    .transaction('io', { strategy: 'sg', dir: 'from-device' }, [a, b, c])
    .deviceWrites('io', a)
    .deviceWrites('io', c)
    .unmap('io')
    .cpuReads(a)
    .cpuReads(c)
    .build(),
})
