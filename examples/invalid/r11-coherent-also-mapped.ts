// R11: a coherent transaction's region comes from dma_alloc_coherent(), already mapped for the device; no other transaction maps it.
import { platform } from 'dmaplan'

const host = platform({ kernel: '7.0', iommu: { mode: 'translated' } })
const nic = host.device('nic0', { dmaMask: 64 })
const ring = host.ram('ring', { pages: 1 })

export default host
  .plan(nic)
  .transaction('desc', { strategy: 'coherent', dir: 'bidirectional' }, [ring])
  .transaction('rx', { strategy: 'page', dir: 'from-device' }, [ring]) // error: R11
  .deviceWrites('rx', ring)
  .unmap('rx')
  .unmap('desc')
  .build()
