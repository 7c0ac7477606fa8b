// Builders through generic helpers, and values the compiler cannot see (left to the run-time check).
import { expectAssignable, expectError, expectType } from 'tsd'
import { platform } from 'dmaplan'
import type { AnyPlanBuilder, AnyRegion, Plan, PlanBuilder, Region } from 'dmaplan'

const host = platform({ kernel: '7.0', iommu: { mode: 'translated' } })
const nic = host.device('nic0', { dmaMask: 64 })
const soc = host.device('soc0', { dmaMask: 64, coherent: false })
const buf = host.ram('buf', { pages: 4 })
const ring = host.ram('ring', { pages: 1 })

// a helper generic over any builder: the body type-checks without "excessively deep" errors
function withRing<B extends AnyPlanBuilder>(b: B) {
  return b.transaction('ring', { strategy: 'coherent', dir: 'bidirectional' }, [ring]).keep('ring')
}
function receive<B extends AnyPlanBuilder>(b: B, name: string, region: AnyRegion) {
  return b.transaction(name, { strategy: 'page', dir: 'from-device' }, [region]).deviceWrites(name, region).syncForCpu(name).cpuReads(region).unmap(name)
}
// (what such a helper returns is PlanBuilder<any, any, any>: the steps after it are checked at run time only)
expectAssignable<AnyPlanBuilder>(withRing(host.plan(nic)))
expectAssignable<AnyPlanBuilder>(receive(withRing(host.plan(soc)), 'rx', buf))
expectType<Plan>(receive(withRing(host.plan(soc)), 'rx', buf).build())

// a helper that hands the builder back keeps its full type, and with it the rules
function logged<B extends AnyPlanBuilder>(b: B): B {
  return b
}
const live = logged(host.plan(nic).transaction('tx', { strategy: 'iova', dir: 'to-device' }, [buf]))
expectType<Plan>(logged(live.deviceReads('tx', buf).unmap('tx')).build())
expectError(logged(live).deviceWrites('tx', buf).unmap('tx').build())
expectError(logged(live).build())

// a helper typed with the builder's own parameters
function drain<B extends PlanBuilder<any, any, any>>(b: B) {
  return b.unmap('tx')
}
expectType<Plan>(drain(live).build())

// numbers that are not literals: alignment unknown, iova accepts them, run time decides
declare const bytes: number
declare const offset: number
declare const pages: number
declare const phys: bigint
const dyn = host.ram('dyn', { offset, bytes })
const dynPages = host.ram('dyn_pages', { pages, phys })
const dynPhys = host.ram('dyn_phys', { bytes: 0x80, phys })
expectType<Region<'dyn', 'ram', 'unknown'>>(dyn)
expectType<'unknown'>(dynPages.alignment)
expectType<'unknown'>(dynPhys.alignment)
expectType<Plan>(host.plan(nic).transaction('mr', { strategy: 'iova', dir: 'to-device' }, [buf, dyn, dynPages, dynPhys, ring]).unmap('mr').build())
// ... while the literal twin of dyn is rejected (R6)
expectError(host.plan(nic).transaction('mr', { strategy: 'iova', dir: 'to-device' }, [buf, host.ram('lit', { offset: 0x10, bytes: 0x20 }), ring]).unmap('mr').build())

// whole pages on the default 4 KiB granule are aligned whatever their number
expectType<'aligned'>(host.ram('n_pages', { pages }).alignment)
// ... but not on a 16 KiB granule
const arm = platform({ kernel: '7.0', iommu: { mode: 'translated', granule: 16384 } })
expectType<'unknown'>(arm.ram('n_pages', { pages }).alignment)

// a transaction name that is not a literal passes every lifecycle check
declare const name: string
expectType<Plan>(host.plan(nic).transaction(name, { strategy: 'page', dir: 'to-device' }, [buf]).deviceReads(name, buf).unmap(name).build())

// a byte range within a region is not a rule matter
expectType<Plan>(host.plan(nic).transaction('tx', { strategy: 'page', dir: 'to-device' }, [buf]).deviceReads('tx', buf, { offset: 0x800, bytes: 0x100 }).unmap('tx').build())

// every builder step returns a builder
expectAssignable<AnyPlanBuilder>(host.plan(nic))
expectAssignable<AnyPlanBuilder>(host.plan(nic).transaction('tx', { strategy: 'page', dir: 'to-device' }, [buf]))
expectAssignable<AnyPlanBuilder>(host.plan(nic).transaction('tx', { strategy: 'page', dir: 'to-device' }, [buf]).wait(10))
