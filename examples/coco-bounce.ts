// A confidential guest: private memory is invisible to the device, so every streaming mapping bounces through swiotlb and needs its syncs.
import { platform } from 'dmaplan'

const guest = platform({ kernel: '6.18', iommu: { mode: 'none' }, coco: true, swiotlb: { bytes: 64 << 20 } })
const vnic = guest.device('virtio_net', { dmaMask: 64 })

const rx = guest.ram('rx', { pages: 4 })
const ring = guest.ram('ring', { pages: 1 })

export default guest
  .plan(vnic, { name: 'coco_rx' })
  .transaction('desc', { strategy: 'coherent', dir: 'bidirectional' }, [ring])
  .transaction('pkt', { strategy: 'page', dir: 'from-device' }, [rx])
  .deviceWrites('pkt', rx)
  .syncForCpu('pkt')
  .cpuReads(rx)
  .unmap('pkt')
  .keep('desc')
  .build()
