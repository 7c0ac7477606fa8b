// R1: strategy iova needs a translating IOMMU and a 6.16+ kernel; the error is on the strategy property.
import { expectError, expectType } from 'tsd'
import { platform } from 'dmaplan'
import type { Plan } from 'dmaplan'

const passthrough = platform({ kernel: '7.0', iommu: { mode: 'passthrough' } })
const ptNic = passthrough.device('nic0', { dmaMask: 64 })
const ptBuf = passthrough.ram('buf', { pages: 4 })

const noIommu = platform({ iommu: { mode: 'none' } }) // kernel: the newest release
const noNic = noIommu.device('nic0', { dmaMask: 64 })
const noBuf = noIommu.ram('buf', { pages: 4 })

const lts = platform({ kernel: '6.12', iommu: { mode: 'translated' } })
const ltsNic = lts.device('nic0', { dmaMask: 64 })
const ltsBuf = lts.ram('buf', { pages: 4 })

const ltsPassthrough = platform({ kernel: '6.12', iommu: { mode: 'passthrough' } })
const ltsPtNic = ltsPassthrough.device('nic0', { dmaMask: 64 })
const ltsPtBuf = ltsPassthrough.ram('buf', { pages: 4 })

const first = platform({ kernel: '6.16', iommu: { mode: 'translated', granule: 4096 } })
const firstNic = first.device('nic0', { dmaMask: 64 })
const firstBuf = first.ram('buf', { pages: 4 })

const arm = platform({ kernel: '7.0', iommu: { mode: 'translated', granule: 65536, flush: 'lazy' } })
const armNic = arm.device('nic0', { dmaMask: 64, coherent: false })
const armBuf = arm.ram('buf', { pages: 16 })

// passthrough: dma_iova_try_alloc() always fails
expectError(passthrough.plan(ptNic).transaction('tx', { strategy: 'iova', dir: 'to-device' }, [ptBuf]).deviceReads('tx', ptBuf).unmap('tx').build())
expectType<Plan>(passthrough.plan(ptNic).transaction('tx', { strategy: 'page', dir: 'to-device' }, [ptBuf]).deviceReads('tx', ptBuf).unmap('tx').build())
expectError(passthrough.plan(ptNic).transaction('rx', { strategy: 'iova', dir: 'from-device' }, [ptBuf]))
expectType<Plan>(passthrough.plan(ptNic).transaction('rx', { strategy: 'auto', dir: 'from-device' }, [ptBuf]).deviceWrites('rx', ptBuf).unmap('rx').build())

// no IOMMU at all
expectError(noIommu.plan(noNic).transaction('tx', { strategy: 'iova', dir: 'bidirectional' }, [noBuf]).unmap('tx').build())
expectType<Plan>(noIommu.plan(noNic).transaction('tx', { strategy: 'sg', dir: 'bidirectional' }, [noBuf]).unmap('tx').build())

// the second transaction of an otherwise valid plan
expectError(
  noIommu
    .plan(noNic)
    .transaction('a', { strategy: 'page', dir: 'to-device' }, [noBuf])
    .transaction('b', { strategy: 'iova', dir: 'to-device' }, [noIommu.ram('more', { pages: 1 })])
    .unmap('a')
    .unmap('b')
    .build(),
)
expectType<Plan>(
  noIommu
    .plan(noNic)
    .transaction('a', { strategy: 'page', dir: 'to-device' }, [noBuf])
    .transaction('b', { strategy: 'page', dir: 'to-device' }, [noIommu.ram('more', { pages: 1 })])
    .unmap('a')
    .unmap('b')
    .build(),
)

// translated, but the kernel predates the two-step API
expectError(lts.plan(ltsNic).transaction('tx', { strategy: 'iova', dir: 'to-device' }, [ltsBuf]).deviceReads('tx', ltsBuf).unmap('tx').build())
expectType<Plan>(first.plan(firstNic).transaction('tx', { strategy: 'iova', dir: 'to-device' }, [firstBuf]).deviceReads('tx', firstBuf).unmap('tx').build())
expectType<Plan>(lts.plan(ltsNic).transaction('tx', { strategy: 'sg', dir: 'to-device' }, [ltsBuf]).deviceReads('tx', ltsBuf).unmap('tx').build())

// both wrong: the IOMMU mode is reported (it is tested first, as at run time)
expectError(ltsPassthrough.plan(ltsPtNic).transaction('tx', { strategy: 'iova', dir: 'to-device' }, [ltsPtBuf]).unmap('tx').build())
expectType<Plan>(ltsPassthrough.plan(ltsPtNic).transaction('tx', { strategy: 'page', dir: 'to-device' }, [ltsPtBuf]).unmap('tx').build())

// a kept mapping does not make iova legal
expectError(noIommu.plan(noNic).transaction('ring', { strategy: 'iova', dir: 'bidirectional' }, [noBuf]).keep('ring').build())
expectType<Plan>(noIommu.plan(noNic).transaction('ring', { strategy: 'coherent', dir: 'bidirectional' }, [noBuf]).keep('ring').build())

// valid: a 64 KiB granule, lazy flush, a non-coherent device
expectType<Plan>(
  arm
    .plan(armNic)
    .transaction('rx', { strategy: 'iova', dir: 'from-device' }, [armBuf])
    .deviceWrites('rx', armBuf)
    .syncForCpu('rx')
    .cpuReads(armBuf)
    .unmap('rx')
    .build(),
)

// An omitted iommu is the kernel's default on Debian's x86 kernels: VT-d translates, so iova maps.
const bare = platform({})
const bareNic = bare.device('nic0', { dmaMask: 64 })
const bareBuf = bare.ram('buf', { pages: 4 })
expectType<Plan>(bare.plan(bareNic).transaction('tx', { strategy: 'iova', dir: 'bidirectional' }, [bareBuf]).unmap('tx').build())
// ... and on 6.12, without the IOVA API, R1 says so.
const bareLts = platform({ kernel: '6.12' })
expectError(bareLts.plan(bareLts.device('nic0')).transaction('tx', { strategy: 'iova', dir: 'bidirectional' }, [bareLts.ram('b', { pages: 1 })]).unmap('tx').build())

// the sentence names the device whose IOMMU does not translate
const noPlan = noIommu.plan(noNic)
expectType<'R1: strategy iova needs a translating IOMMU, but nic0 has no IOMMU, so dma_iova_try_alloc() always fails. Use page, sg or auto.'>(
  null as unknown as Parameters<typeof noPlan.transaction<'tx', 'iova', 'to-device', [typeof noBuf]>>[1]['strategy'],
)
