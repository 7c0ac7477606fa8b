// R3: bus-address P2P memory never enters an IOVA range, a per-range mapping or swiotlb; p2p-bus maps nothing else.
import { expectError, expectType } from 'tsd'
import { platform } from 'dmaplan'
import type { Plan } from 'dmaplan'

const host = platform({
  kernel: '7.0',
  iommu: { mode: 'translated' },
  pci: { switches: { sw0: { acsRedirect: false }, sw1: {} }, hostBridgeP2P: true },
})
const nic = host.device('mlx5_0', { at: 'sw0', dmaMask: 64 })
const gpu = host.device('gpu0', { at: 'sw0', p2pMemory: { bytes: 16n << 30n } })
const far = host.device('gpu1', { at: 'sw1', p2pMemory: { bytes: 1 << 30 } })
const nicMem = host.device('mlx5_1', { at: 'sw1', dmaMask: 64, p2pMemory: { bytes: 1 << 20 } })

const vram = gpu.p2p('vram', { pages: 8 })
const farMem = far.p2p('far_mem', { pages: 8 })
const buf = host.ram('buf', { pages: 8 })
const cmb = nicMem.p2p('cmb', { pages: 2 }) // the device's own BAR: always a bus address for itself

const guest = platform({ kernel: '7.0', iommu: { mode: 'translated' }, coco: true })
const vdev = guest.device('vdev0', { dmaMask: 64 })
const secret = guest.ram('secret', { pages: 2 })
const bareGuest = platform({ kernel: '7.0', iommu: { mode: 'none' }, coco: true })
const bareVdev = bareGuest.device('vdev0', { dmaMask: 64 })
const bareSecret = bareGuest.ram('secret', { pages: 2 })

// linked into an IOVA range
expectError(host.plan(nic).transaction('mr', { strategy: 'iova', dir: 'bidirectional' }, [vram]).unmap('mr').build())
expectType<Plan>(host.plan(nic).transaction('mr', { strategy: 'p2p-bus', dir: 'bidirectional' }, [vram]).unmap('mr').build())

// mapped range by range (dma_map_page would hand it to the IOMMU)
expectError(host.plan(nic).transaction('tx', { strategy: 'page', dir: 'to-device' }, [vram]).deviceReads('tx', vram).unmap('tx').build())
expectType<Plan>(host.plan(nic).transaction('tx', { strategy: 'sg', dir: 'to-device' }, [vram]).deviceReads('tx', vram).unmap('tx').build())

// a coherent allocation cannot be a peer's BAR
expectError(host.plan(nic).transaction('ring', { strategy: 'coherent', dir: 'bidirectional' }, [vram]).keep('ring').build())
expectType<Plan>(host.plan(nic).transaction('ring', { strategy: 'hmm', dir: 'bidirectional' }, [vram]).keep('ring').build())

// p2p-bus takes only bus-address memory: host memory
expectError(host.plan(nic).transaction('tx', { strategy: 'p2p-bus', dir: 'to-device' }, [buf]).unmap('tx').build())
expectType<Plan>(host.plan(nic).transaction('tx', { strategy: 'auto', dir: 'to-device' }, [buf]).unmap('tx').build())

// ... nor host-bridge P2P memory
expectError(host.plan(nic).transaction('tx', { strategy: 'p2p-bus', dir: 'to-device' }, [farMem]).unmap('tx').build())
expectType<Plan>(host.plan(nic).transaction('tx', { strategy: 'page', dir: 'to-device' }, [farMem]).unmap('tx').build())

// ... nor encrypted guest memory
expectError(guest.plan(vdev).transaction('tx', { strategy: 'p2p-bus', dir: 'to-device' }, [secret]).unmap('tx').build())
expectType<Plan>(bareGuest.plan(bareVdev).transaction('tx', { strategy: 'page', dir: 'to-device' }, [bareSecret]).unmap('tx').build())

// a device's own BAR is a bus address for itself, even across switches for others
expectError(host.plan(nicMem).transaction('tx', { strategy: 'iova', dir: 'to-device' }, [cmb]).unmap('tx').build())
expectType<Plan>(host.plan(nicMem).transaction('tx', { strategy: 'p2p-bus', dir: 'to-device' }, [cmb]).unmap('tx').build())

// R3 is tested before uniformity (R2): a bus-address region after host-bridge memory is R3; blk takes bus-address memory
expectError(host.plan(nic).transaction('tx', { strategy: 'page', dir: 'to-device' }, [farMem, vram]).unmap('tx').build())
expectType<Plan>(host.plan(nic).transaction('rq', { strategy: 'blk', dir: 'to-device' }, [vram, gpu.p2p('vram2', { pages: 1 })]).unmap('rq').build())

// an untrusted device's scatterlist goes the swiotlb way (dev_use_sg_swiotlb()): no bus address for p2p-bus or auto; blk maps it by bus address
const tb = host.device('tb0', { at: 'sw0', dmaMask: 64, trusted: false })
expectError(host.plan(tb).transaction('rx', { strategy: 'p2p-bus', dir: 'from-device' }, [vram]).unmap('rx').build())
expectError(host.plan(tb).transaction('rx', { strategy: 'auto', dir: 'from-device' }, [vram]).unmap('rx').build())
expectType<Plan>(host.plan(tb).transaction('rq', { strategy: 'blk', dir: 'from-device' }, [vram]).unmap('rq').build())
