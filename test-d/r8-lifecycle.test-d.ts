// R8: lifecycle. No access, sync, HMM step or unmap of a transaction that is not mapped; one name per mapping;
// device accesses only through a transaction that maps the region; .build only once everything is unmapped or kept.
import { expectError, expectType } from 'tsd'
import { platform } from 'dmaplan'
import type { DmaRuleError, Plan } from 'dmaplan'

const host = platform({ kernel: '7.0', iommu: { mode: 'translated' } })
const nic = host.device('nic0', { dmaMask: 64 })
const buf = host.ram('buf', { pages: 4 })
const other = host.ram('other', { pages: 1 })
const odp = host.ram('odp', { pages: 16 })

const mapped = host.plan(nic).transaction('tx', { strategy: 'page', dir: 'bidirectional' }, [buf])
const unmapped = mapped.unmap('tx')
const mirror = host.plan(nic).transaction('mr', { strategy: 'hmm', dir: 'bidirectional', populate: false }, [odp])

// a transaction that was never mapped
expectError(mapped.deviceReads('rx', buf).unmap('tx').build())
expectType<Plan>(mapped.deviceReads('tx', buf).unmap('tx').build())
expectError(host.plan(nic).syncForCpu('tx').build())
expectError(mapped.syncForDevice('txx').unmap('tx').build())
expectError(host.plan(nic).unmap('tx').build())
expectError(mapped.keep('rx').unmap('tx').build())
expectType<Plan>(mapped.keep('tx').build())

// use after unmap
expectError(unmapped.deviceWrites('tx', buf).build())
expectError(unmapped.syncForCpu('tx').build())
expectError(unmapped.keep('tx').build())
expectType<Plan>(unmapped.cpuReads(buf).build())

// double unmap
expectError(unmapped.unmap('tx').build())
expectType<Plan>(unmapped.build())

// one name per mapping, even after the first is unmapped
expectError(mapped.transaction('tx', { strategy: 'sg', dir: 'to-device' }, [other]).unmap('tx').build())
expectError(unmapped.transaction('tx', { strategy: 'page', dir: 'to-device' }, [buf]).unmap('tx').build())
expectType<Plan>(unmapped.transaction('tx2', { strategy: 'page', dir: 'to-device' }, [buf]).unmap('tx2').build())

// the device reaches a region only through a transaction that maps it
expectError(mapped.transaction('aux', { strategy: 'page', dir: 'to-device' }, [other]).deviceReads('tx', other).unmap('tx').unmap('aux').build())
expectError(mapped.deviceWrites('tx', other).unmap('tx').build())
expectError(mapped.syncForCpu('tx', other).unmap('tx').build()) // the run-time validator does not check sync regions yet
expectType<Plan>(mapped.transaction('aux', { strategy: 'page', dir: 'to-device' }, [other]).deviceReads('aux', other).unmap('tx').unmap('aux').build())

// HMM faults and invalidations need a live hmm transaction
expectError(mapped.hmmFault('tx', 0).unmap('tx').build())
expectError(mapped.hmmInvalidate('tx', 0).unmap('tx').build())
expectError(mirror.hmmFault('mirror', 0).unmap('mr').build())
expectError(mirror.unmap('mr').hmmFault('mr', 0).build())
expectType<Plan>(mirror.hmmFault('mr', 0).hmmFault('mr', 3).hmmInvalidate('mr', 0).unmap('mr').build())

// dma_iova_unlink needs a live iova transaction and a region of it
const range = host.plan(nic).transaction('mr', { strategy: 'iova', dir: 'bidirectional' }, [buf, other])
expectType<Plan>(range.unlink('mr', other).deviceReads('mr', buf).unmap('mr').build())
expectError(mapped.unlink('tx', buf).unmap('tx').build())
expectError(range.unlink('mr', odp).unmap('mr').build())
expectError(range.unmap('mr').unlink('mr', buf).build())

// .build is not callable while a mapping is live and not kept
expectError(mapped.build())
expectType<DmaRuleError<"R8: the plan ends with transaction tx of nic0 still mapped; unmap it, or call .keep('tx') to keep the mapping on purpose.">>(mapped.build)
expectError(mirror.hmmFault('mr', 0).build())
expectError(mapped.transaction('ring', { strategy: 'coherent', dir: 'bidirectional' }, [other]).keep('ring').build())
expectType<Plan>(mapped.transaction('ring', { strategy: 'coherent', dir: 'bidirectional' }, [other]).keep('ring').unmap('tx').build())
expectType<Plan>(mapped.keep('tx').unmap('tx').build())

// driver steps leave every transaction's state as it was: what is mapped stays mapped (and must still be unmapped), what the device wrote still needs its sync
{
  const host2 = platform({ kernel: '7.0', iommu: { mode: 'translated' } })
  const dev = host2.device('dev0', { dmaMask: 64, coherent: false })
  const rx = host2.ram('rx', { pages: 1 })
  const mapped = host2.plan(dev).setDmaMask(32).transaction('rx', { strategy: 'page', dir: 'from-device' }, [rx]).deviceWrites('rx', rx)
  const narrowed = mapped.setMaxSegmentSize(0x1000).setSegmentBoundary(0xffff).setMinAlignMask(0xfff)
  expectType<Plan>(narrowed.syncForCpu('rx').cpuReads(rx).unmap('rx').build())
  expectError(narrowed.cpuReads(rx))
  expectError(narrowed.build())
  // the DMA mask changes only while nothing is mapped, kept mappings included
  expectError(mapped.setDmaMask(40))
  expectError(mapped.keep('rx').setDmaMask(40))
  expectType<Plan>(mapped.syncForCpu('rx').unmap('rx').setDmaMask(40).build())
  // a coherent allocation never syncs
  const ring = host2.ram('ring', { pages: 1 })
  expectType<Plan>(host2.plan(dev).transaction('ring', { strategy: 'coherent', dir: 'bidirectional' }, [ring]).setDmaMask(40).unmap('ring').build())
}
