// R12: a block request fits its queue. The region types do not carry the offsets the rule reads, so the compiler accepts
// what the run time refuses (RuleInfo.runTimeOnly): these type-check, and build() throws PlanRuleError (test/plan/validate-r12.test.ts).
import { expectType } from 'tsd'
import { platform } from 'dmaplan'
import type { Plan } from 'dmaplan'

const host = platform({ kernel: '7.0', iommu: { mode: 'translated' } })
const nvme = host.device('nvme0', { dmaMask: 64, minAlignMask: 0xfff })
const meta = host.ram('meta', { bytes: 0x600 })
const data = host.ram('data', { pages: 8 })

const build = host.plan(nvme).transaction('rq', { strategy: 'blk', dir: 'from-device' }, [meta, data]).unmap('rq').build
expectType<() => Plan>(build)
// the order the queue takes: the short buffer last
expectType<Plan>(host.plan(nvme).transaction('rq', { strategy: 'blk', dir: 'from-device' }, [data, meta]).unmap('rq').build())
