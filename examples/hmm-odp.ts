// The HMM fault and invalidate path of on-demand paging: pages are linked into a pre-allocated IOVA as they fault and unlinked when invalidated.
import { platform } from 'dmaplan'

const host = platform({ kernel: '7.0', iommu: { mode: 'translated', flush: 'strict' } })
const nic = host.device('mlx5_1', { dmaMask: 64 })

const odp = host.ram('odp', { pages: 16 })

export default host
  .plan(nic, { name: 'odp_mirror' })
  .transaction('mirror', { strategy: 'hmm', dir: 'bidirectional', populate: false }, [odp])
  .hmmFault('mirror', 0)
  .hmmFault('mirror', 1)
  .hmmFault('mirror', 7)
  .deviceWrites('mirror', odp, { offset: 0, bytes: 0x2000 })
  .hmmInvalidate('mirror', 1)
  .hmmFault('mirror', 1)
  .deviceReads('mirror', odp, { offset: 0x1000, bytes: 0x1000 })
  .unmap('mirror')
  .cpuReads(odp, { offset: 0, bytes: 0x2000 })
  .build()
