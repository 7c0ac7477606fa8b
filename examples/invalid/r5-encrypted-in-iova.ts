// R5: private memory of a confidential guest linked into an IOVA range, which never bounces.
import { platform } from 'dmaplan'

const guest = platform({ kernel: '7.0', iommu: { mode: 'translated' }, coco: true })
const dev = guest.device('vdev0', { dmaMask: 64 })
const secret = guest.ram('secret', { pages: 2 })

export default guest
  .plan(dev)
  .transaction('tx', { strategy: 'iova', dir: 'to-device' }, [secret]) // error: R5
  .deviceReads('tx', secret)
  .unmap('tx')
  .build()
