// R2: a uniform transaction (iova, page, sg, blk) holds one memory kind; coherent allocations are host memory.
import { expectError, expectType } from 'tsd'
import { platform } from 'dmaplan'
import type { Plan } from 'dmaplan'

const host = platform({
  kernel: '7.0',
  iommu: { mode: 'translated' },
  pci: { switches: { sw0: {}, sw1: {} }, hostBridgeP2P: true },
})
const nic = host.device('nic0', { at: 'sw0', dmaMask: 64 })
const gpu = host.device('gpu0', { at: 'sw0', p2pMemory: { bytes: 1 << 30 } }) // same switch: bus address
const peer = host.device('gpu1', { at: 'sw0', p2pMemory: { bytes: 1 << 30 } }) // same switch: bus address
const far = host.device('gpu2', { at: 'sw1', p2pMemory: { bytes: 1 << 30 } }) // other switch: host bridge

const buf = host.ram('buf', { pages: 4 })
const vram = gpu.p2p('vram', { pages: 4 })
const peerMem = peer.p2p('peer_mem', { pages: 4 })
const farMem = far.p2p('far_mem', { pages: 4 })

const guest = platform({ kernel: '7.0', iommu: { mode: 'none' }, coco: true })
const vdev = guest.device('vdev0', { dmaMask: 64 })
const shared = guest.ram('shared', { pages: 2, shared: true })
const secret = guest.ram('secret', { pages: 2 })

// scatterlist: host memory then bus-address P2P memory
expectError(host.plan(nic).transaction('tx', { strategy: 'sg', dir: 'to-device' }, [buf, vram]).deviceReads('tx', buf).unmap('tx').build())
expectType<Plan>(
  host
    .plan(nic)
    .transaction('tx', { strategy: 'sg', dir: 'to-device' }, [buf])
    .transaction('tx_p2p', { strategy: 'sg', dir: 'to-device' }, [vram])
    .deviceReads('tx', buf)
    .deviceReads('tx_p2p', vram)
    .unmap('tx')
    .unmap('tx_p2p')
    .build(),
)

// page per request, P2P first: the first region decides the kind
expectError(host.plan(nic).transaction('tx', { strategy: 'page', dir: 'to-device' }, [farMem, buf]).unmap('tx').build())
expectType<Plan>(host.plan(nic).transaction('tx', { strategy: 'page', dir: 'to-device' }, [farMem]).unmap('tx').build())

// block request: bus-address P2P with host memory
expectError(host.plan(nic).transaction('rq', { strategy: 'blk', dir: 'from-device' }, [vram, buf]).deviceWrites('rq', vram).unmap('rq').build())
expectType<Plan>(host.plan(nic).transaction('rq', { strategy: 'blk', dir: 'from-device' }, [vram, peerMem]).deviceWrites('rq', vram).unmap('rq').build())

// IOVA range: host memory with host-bridge P2P memory (which iova could map on its own on 6.18+)
expectError(host.plan(nic).transaction('mr', { strategy: 'iova', dir: 'bidirectional' }, [buf, farMem]).unmap('mr').build())
expectType<Plan>(host.plan(nic).transaction('mr', { strategy: 'iova', dir: 'bidirectional' }, [farMem]).unmap('mr').build())

// two P2P kinds: bus address and host bridge in one scatterlist
expectError(host.plan(nic).transaction('tx', { strategy: 'sg', dir: 'to-device' }, [vram, farMem]).unmap('tx').build())
expectType<Plan>(host.plan(nic).transaction('tx', { strategy: 'sg', dir: 'to-device' }, [vram, peerMem]).unmap('tx').build())

// a confidential guest: shared (normal) and private (encrypted) memory in one page request
expectError(guest.plan(vdev).transaction('tx', { strategy: 'page', dir: 'to-device' }, [shared, secret]).unmap('tx').build())
expectType<Plan>(guest.plan(vdev).transaction('tx', { strategy: 'page', dir: 'to-device' }, [secret, guest.ram('secret2', { pages: 1 })]).unmap('tx').build())

// coherent allocations are host memory
expectError(host.plan(nic).transaction('ring', { strategy: 'coherent', dir: 'bidirectional' }, [farMem]).keep('ring').build())
expectType<Plan>(host.plan(nic).transaction('ring', { strategy: 'coherent', dir: 'bidirectional' }, [buf]).keep('ring').build())

// strategies that are not uniform may mix kinds
expectType<Plan>(host.plan(nic).transaction('mr', { strategy: 'hmm', dir: 'bidirectional' }, [buf, vram, farMem]).unmap('mr').build())
expectType<Plan>(host.plan(nic).transaction('any', { strategy: 'auto', dir: 'to-device' }, [buf, vram, farMem]).unmap('any').build())
