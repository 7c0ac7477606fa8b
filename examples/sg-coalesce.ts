// A scatterlist whose three ranges the IOMMU coalesces into one DMA segment (worked example E1).
import { platform } from 'dmaplan'

const host = platform({ kernel: '6.12', iommu: { mode: 'translated', flush: 'strict' } })
const hba = host.device('ahci0', { dmaMask: 64 })

const a = host.ram('a', { offset: 0x200, bytes: 0xe00 })
const b = host.ram('b', { pages: 1 })
const c = host.ram('c', { bytes: 0x800 })

export default host
  .plan(hba, { name: 'sg_e1' })
  .transaction('io', { strategy: 'sg', dir: 'to-device' }, [a, b, c])
  .deviceReads('io', a)
  .deviceReads('io', b)
  .deviceReads('io', c)
  .unmap('io')
  .build()
