// Names become C identifiers in the generated driver: a literal that is not one is a type error
// at the name, for the plan, its devices, regions and transactions; a name the compiler cannot
// see in full (string, a template) is left to the run time.
import { expectError, expectType } from 'tsd'
import { platform } from 'dmaplan'
import type { Plan } from 'dmaplan'

const host = platform({ kernel: '7.0', iommu: { mode: 'translated' } })
const nic = host.device('nic0', { dmaMask: 64 })
const buf = host.ram('buf', { pages: 1 })

expectError(host.device('0nic', { dmaMask: 64 }))
expectError(host.ram('rx buf', { pages: 1 }))
expectError(host.plan(nic).transaction('tx-1', { strategy: 'page', dir: 'to-device' }, [buf]))
expectError(host.plan(nic, { name: 'my-plan' }))
expectError(host.plan(nic, { name: 'my plan' }).transaction('tx', { strategy: 'page', dir: 'to-device' }, [buf]).unmap('tx').build())

expectType<Plan>(host.plan(nic, { name: 'my_plan' }).transaction('tx', { strategy: 'page', dir: 'to-device' }, [buf]).unmap('tx').build())
expectType<Plan>(host.plan(nic).transaction('tx', { strategy: 'page', dir: 'to-device' }, [buf]).unmap('tx').build())
const wide: string = 'decided at run time'
expectType<Plan>(host.plan(nic, { name: wide }).transaction('tx', { strategy: 'page', dir: 'to-device' }, [buf]).unmap('tx').build())
const n = 3 as number
expectType<Plan>(host.plan(nic, { name: `plan_${n}` }).transaction('tx', { strategy: 'page', dir: 'to-device' }, [buf]).unmap('tx').build())
