// R9: the target kernel gates features: hmm from 6.16, blk from 6.17, DMA_ATTR_MMIO (and host-bridge P2P
// in an IOVA range) from 6.18, DMA_ATTR_REQUIRE_COHERENT and DMA_ATTR_DEBUGGING_IGNORE_CACHELINES from 7.0.
import { expectError, expectType } from 'tsd'
import { platform } from 'dmaplan'
import type { Plan } from 'dmaplan'

const pci = { switches: { sw0: {}, sw1: {} }, hostBridgeP2P: true } as const
const k612 = platform({ kernel: '6.12', iommu: { mode: 'translated' }, pci })
const k616 = platform({ kernel: '6.16', iommu: { mode: 'translated' }, pci })
const k617 = platform({ kernel: '6.17', iommu: { mode: 'translated' }, pci })
const k618 = platform({ kernel: '6.18', iommu: { mode: 'translated' }, pci })
const k70 = platform({ kernel: '7.0', iommu: { mode: 'translated' }, pci })

const nic612 = k612.device('nic0', { at: 'sw0', dmaMask: 64 })
const buf612 = k612.ram('buf', { pages: 4 })
const vram612 = k612.device('gpu0', { at: 'sw0', p2pMemory: { bytes: 1 << 30 } }).p2p('vram', { pages: 4 })

const nic616 = k616.device('nic0', { at: 'sw0', dmaMask: 64 })
const buf616 = k616.ram('buf', { pages: 4 })
const vram616 = k616.device('gpu0', { at: 'sw0', p2pMemory: { bytes: 1 << 30 } }).p2p('vram', { pages: 4 })
const far616 = k616.device('gpu1', { at: 'sw1', p2pMemory: { bytes: 1 << 30 } }).p2p('far', { pages: 4 })

const nic617 = k617.device('nic0', { at: 'sw0', dmaMask: 64 })
const buf617 = k617.ram('buf', { pages: 4 })
const far617 = k617.device('gpu1', { at: 'sw1', p2pMemory: { bytes: 1 << 30 } }).p2p('far', { pages: 4 })

const nic618 = k618.device('nic0', { at: 'sw0', dmaMask: 64 })
const buf618 = k618.ram('buf', { pages: 4 })
const far618 = k618.device('gpu1', { at: 'sw1', p2pMemory: { bytes: 1 << 30 } }).p2p('far', { pages: 4 })

const nic70 = k70.device('nic0', { at: 'sw0', dmaMask: 64 })
const buf70 = k70.ram('buf', { pages: 4 })

// strategies
expectError(k612.plan(nic612).transaction('mr', { strategy: 'hmm', dir: 'bidirectional' }, [buf612]).unmap('mr').build())
expectType<Plan>(k616.plan(nic616).transaction('mr', { strategy: 'hmm', dir: 'bidirectional' }, [buf616]).unmap('mr').build())

expectType<Plan>(k612.plan(nic612).transaction('tx', { strategy: 'p2p-bus', dir: 'to-device' }, [vram612]).unmap('tx').build())
expectType<Plan>(k616.plan(nic616).transaction('tx', { strategy: 'p2p-bus', dir: 'to-device' }, [vram616]).unmap('tx').build())
expectType<Plan>(k612.plan(nic612).transaction('tx', { strategy: 'sg', dir: 'to-device' }, [vram612]).unmap('tx').build())

expectError(k616.plan(nic616).transaction('rq', { strategy: 'blk', dir: 'from-device' }, [buf616]).unmap('rq').build())
expectError(k612.plan(nic612).transaction('rq', { strategy: 'blk', dir: 'from-device' }, [buf612]).unmap('rq').build())
expectType<Plan>(k617.plan(nic617).transaction('rq', { strategy: 'blk', dir: 'from-device' }, [buf617]).unmap('rq').build())

// attributes
expectError(k617.plan(nic617).transaction('tx', { strategy: 'page', dir: 'to-device', attrs: ['DMA_ATTR_MMIO'] }, [far617]).unmap('tx').build())
expectType<Plan>(k618.plan(nic618).transaction('tx', { strategy: 'page', dir: 'to-device', attrs: ['DMA_ATTR_MMIO'] }, [far618]).unmap('tx').build())

expectError(k618.plan(nic618).transaction('tx', { strategy: 'page', dir: 'to-device', attrs: ['DMA_ATTR_REQUIRE_COHERENT'] }, [buf618]).unmap('tx').build())
expectError(
  k618.plan(nic618).transaction('tx', { strategy: 'sg', dir: 'to-device', attrs: ['DMA_ATTR_NO_WARN', 'DMA_ATTR_DEBUGGING_IGNORE_CACHELINES'] }, [buf618]).unmap('tx').build(),
)
expectType<Plan>(k70.plan(nic70).transaction('tx', { strategy: 'page', dir: 'to-device', attrs: ['DMA_ATTR_REQUIRE_COHERENT'] }, [buf70]).unmap('tx').build())
expectType<Plan>(
  k70.plan(nic70).transaction('tx', { strategy: 'sg', dir: 'to-device', attrs: ['DMA_ATTR_NO_WARN', 'DMA_ATTR_DEBUGGING_IGNORE_CACHELINES'] }, [buf70]).unmap('tx').build(),
)
expectType<Plan>(
  k612.plan(nic612).transaction('tx', { strategy: 'page', dir: 'to-device', attrs: ['DMA_ATTR_WEAK_ORDERING', 'DMA_ATTR_SKIP_CPU_SYNC'] }, [buf612]).unmap('tx').build(),
)

// host-bridge P2P memory in an IOVA range is linked with DMA_ATTR_MMIO
expectError(k617.plan(nic617).transaction('tx', { strategy: 'iova', dir: 'to-device' }, [far617]).unmap('tx').build())
expectError(k616.plan(nic616).transaction('tx', { strategy: 'iova', dir: 'to-device' }, [far616]).unmap('tx').build())
expectType<Plan>(k618.plan(nic618).transaction('tx', { strategy: 'iova', dir: 'to-device' }, [far618]).unmap('tx').build())
expectType<Plan>(k617.plan(nic617).transaction('tx', { strategy: 'page', dir: 'to-device' }, [far617]).unmap('tx').build())
