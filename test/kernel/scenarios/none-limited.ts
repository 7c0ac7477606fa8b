// A 24-bit device without an IOMMU: the scatterlist's first entry is above the mask, dma_map_sgtable() fails with -EIO after the overflow warning, and the driver unwinds.
import { platform } from 'dmaplan'
import { scenario } from '../support/scenario.js'
import { NO_IOMMU } from './platforms.js'

const host = platform(NO_IOMMU)
const edu = host.device('edu', { dmaMask: 24 })
const ring = host.ram('ring', { pages: 1 })
const a = host.ram('a', { pages: 1 })
const b = host.ram('b', { bytes: 0x800 })

export default scenario({
  platform: 'none',
  about: 'a scatterlist the device cannot reach: -EIO, and the unwinding of the coherent ring mapped before it',
  fails: { tx: 'io', message: /DMA addr 0x[0-9a-f]+\+4096 overflow \(mask ffffff, bus limit 0\)/ },
  plan: host
    .plan(edu, { name: 'none_limited' })
    .transaction('rings', { strategy: 'coherent', dir: 'bidirectional' }, [ring])
    .transaction('io', { strategy: 'sg', dir: 'to-device' }, [a, b])
    .deviceReads('io', a)
    .unmap('io')
    .unmap('rings')
    .build(),
})
