// R6: in one IOVA range only the first range may start off the IOMMU granule and only the last may end off it.
import { expectError, expectType } from 'tsd'
import { platform } from 'dmaplan'
import type { Plan, Region } from 'dmaplan'

const x86 = platform({ kernel: '7.0', iommu: { mode: 'translated', granule: 4096 } })
const nic = x86.device('nic0', { dmaMask: 64 })
const buf = x86.ram('buf', { pages: 16 })
const tail = x86.ram('tail', { pages: 2 })
const hdr = x86.ram('hdr', { offset: 0x40, bytes: 0x80 }) // starts and ends off the granule
const head = x86.ram('head', { bytes: 0x80 }) // offset 0: ends off
const trailer = x86.ram('trailer', { offset: 0x100, bytes: 0xf00 }) // starts off, ends on 0x1000
const exact = x86.ram('exact', { bytes: 0x3000n }) // bigint literal, aligned
const physHead = x86.ram('phys_head', { bytes: 0x1800, phys: 0x10_0000 }) // starts on, ends off
const physTail = x86.ram('phys_tail', { bytes: 0x800, phys: 0x20_0800n }) // starts off, ends on

const arm16 = platform({ kernel: '7.0', iommu: { mode: 'translated', granule: 16384 } })
const arm16Nic = arm16.device('nic0', { dmaMask: 64 })
const page1 = arm16.ram('page1', { pages: 1 }) // 4 KiB: ends off a 16 KiB granule
const page4 = arm16.ram('page4', { pages: 4 }) // 16 KiB: aligned
const page8 = arm16.ram('page8', { pages: 8 })
const offPhys = arm16.ram('off_phys', { pages: 4, phys: 0x1235000 }) // starts off 16 KiB, ends off too
const onPhys = arm16.ram('on_phys', { pages: 4, phys: 0x1234000 }) // aligned

const arm64k = platform({ kernel: '7.0', iommu: { mode: 'translated', granule: 65536 } })
const arm64kNic = arm64k.device('nic0', { dmaMask: 64 })
const big = arm64k.ram('big', { pages: 16 }) // 64 KiB: aligned
const small = arm64k.ram('small', { pages: 15 }) // ends off 64 KiB

const bridge = platform({ kernel: '6.18', iommu: { mode: 'translated' }, pci: { switches: { sw0: {}, sw1: {} }, hostBridgeP2P: true } })
const bridgeNic = bridge.device('nic0', { at: 'sw0', dmaMask: 64 })
const bridgeGpu = bridge.device('gpu0', { at: 'sw1', p2pMemory: { bytes: 1 << 30 } })
const bar0 = bridgeGpu.p2p('bar0', { pages: 4 })
const win = bridgeGpu.p2p('win', { offset: 0x200, bytes: 0x200 })

// the alignment is in each region's type
expectType<Region<'hdr', 'ram', 'starts-off ends-off'>>(hdr)
expectType<'ends-off'>(head.alignment)
expectType<'starts-off'>(trailer.alignment)
expectType<'aligned'>(exact.alignment)
expectType<'ends-off'>(physHead.alignment)
expectType<'starts-off'>(physTail.alignment)
expectType<'ends-off'>(page1.alignment)
expectType<'starts-off ends-off'>(offPhys.alignment)
expectType<'aligned'>(onPhys.alignment)
expectType<'ends-off'>(small.alignment)

// a sub-page header after a page-aligned buffer: interior start
expectError(x86.plan(nic).transaction('mr', { strategy: 'iova', dir: 'bidirectional' }, [buf, hdr]).unmap('mr').build())
expectType<Plan>(x86.plan(nic).transaction('mr', { strategy: 'iova', dir: 'bidirectional' }, [hdr]).unmap('mr').build())
expectType<Plan>(x86.plan(nic).transaction('mr', { strategy: 'sg', dir: 'bidirectional' }, [buf, hdr]).unmap('mr').build())

// a range that ends off the granule before another: interior end
expectError(x86.plan(nic).transaction('mr', { strategy: 'iova', dir: 'to-device' }, [head, buf]).unmap('mr').build())
expectType<Plan>(x86.plan(nic).transaction('mr', { strategy: 'iova', dir: 'to-device' }, [buf, head]).unmap('mr').build())

// a range that starts off the granule after the first
expectError(x86.plan(nic).transaction('mr', { strategy: 'iova', dir: 'to-device' }, [buf, trailer, tail]).unmap('mr').build())
expectType<Plan>(x86.plan(nic).transaction('mr', { strategy: 'iova', dir: 'to-device' }, [trailer, buf, tail]).unmap('mr').build())

// a sub-page region in the middle: starts off (reported first)
expectError(x86.plan(nic).transaction('mr', { strategy: 'iova', dir: 'to-device' }, [trailer, hdr, head]).unmap('mr').build())
expectType<Plan>(x86.plan(nic).transaction('mr', { strategy: 'iova', dir: 'to-device' }, [trailer, exact, head]).unmap('mr').build())

// alignment from physical addresses
expectError(x86.plan(nic).transaction('mr', { strategy: 'iova', dir: 'to-device' }, [physHead, buf]).unmap('mr').build())
expectError(x86.plan(nic).transaction('mr', { strategy: 'iova', dir: 'to-device' }, [buf, physTail]).unmap('mr').build())
expectType<Plan>(x86.plan(nic).transaction('mr', { strategy: 'iova', dir: 'to-device' }, [physTail, buf, physHead]).unmap('mr').build())

// a 16 KiB granule: one 4 KiB page is not aligned
expectError(arm16.plan(arm16Nic).transaction('mr', { strategy: 'iova', dir: 'to-device' }, [page1, page4]).unmap('mr').build())
expectType<Plan>(arm16.plan(arm16Nic).transaction('mr', { strategy: 'iova', dir: 'to-device' }, [page4, page8, page1]).unmap('mr').build())
expectError(arm16.plan(arm16Nic).transaction('mr', { strategy: 'iova', dir: 'to-device' }, [page4, offPhys]).unmap('mr').build())
expectType<Plan>(arm16.plan(arm16Nic).transaction('mr', { strategy: 'iova', dir: 'to-device' }, [page4, onPhys]).unmap('mr').build())

// a 64 KiB granule
expectError(arm64k.plan(arm64kNic).transaction('mr', { strategy: 'iova', dir: 'to-device' }, [small, big]).unmap('mr').build())
expectType<Plan>(arm64k.plan(arm64kNic).transaction('mr', { strategy: 'iova', dir: 'to-device' }, [big, small]).unmap('mr').build())

// host-bridge P2P memory linked with DMA_ATTR_MMIO follows the same rule
expectError(bridge.plan(bridgeNic).transaction('mr', { strategy: 'iova', dir: 'to-device' }, [bar0, win, bar0]).unmap('mr').build())
expectType<Plan>(bridge.plan(bridgeNic).transaction('mr', { strategy: 'iova', dir: 'to-device' }, [win]).unmap('mr').build())

// sizes that are not literals are left to the run-time check
declare const n: number
const sized = x86.ram('sized', { bytes: n })
expectType<'unknown'>(sized.alignment)
expectType<Plan>(x86.plan(nic).transaction('mr', { strategy: 'iova', dir: 'to-device' }, [buf, sized, tail]).unmap('mr').build())
