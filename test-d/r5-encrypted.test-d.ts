// R5: private memory of a confidential guest reaches a device only through swiotlb, so iova and hmm refuse it; hmm refuses non-coherent devices and confidential guests.
import { expectError, expectType } from 'tsd'
import { platform } from 'dmaplan'
import type { Plan } from 'dmaplan'

const guest = platform({ kernel: '7.0', iommu: { mode: 'translated' }, coco: true })
const vdev = guest.device('vdev0', { dmaMask: 64 })
const secret = guest.ram('secret', { pages: 2 })
const shared = guest.ram('shared', { pages: 2, shared: true })
const shared2 = guest.ram('shared2', { pages: 2, shared: true })

const bare = platform({ kernel: '6.18', iommu: { mode: 'none' }, coco: true })
const bareDev = bare.device('vdev0', { dmaMask: 64 })
const bareSecret = bare.ram('secret', { pages: 2 })

const arm = platform({ kernel: '7.0', iommu: { mode: 'translated' } })
const armNic = arm.device('nic0', { dmaMask: 64, coherent: false })
const x86Nic = arm.device('nic1', { dmaMask: 64 })
const odp = arm.ram('odp', { pages: 16 })

// private memory linked into an IOVA range
expectError(guest.plan(vdev).transaction('tx', { strategy: 'iova', dir: 'to-device' }, [secret]).deviceReads('tx', secret).unmap('tx').build())
// ... or mapped behind the IOMMU at all: iommu-dma never bounces it (drivers/iommu/dma-iommu.c dev_use_swiotlb())
expectError(guest.plan(vdev).transaction('tx', { strategy: 'page', dir: 'to-device' }, [secret]).deviceReads('tx', secret).unmap('tx').build())
expectType<Plan>(bare.plan(bareDev).transaction('tx', { strategy: 'page', dir: 'to-device' }, [bareSecret]).deviceReads('tx', bareSecret).unmap('tx').build())
expectType<Plan>(guest.plan(vdev).transaction('tx', { strategy: 'coherent', dir: 'to-device' }, [secret]).unmap('tx').build())
// ... until 7.3, where IOMMU-DMA refuses the shared allocation (cc-iommu-alloc-coherent-refused)
const guest73 = platform({ kernel: '7.3', iommu: { mode: 'translated' }, coco: true })
expectError(guest73.plan(guest73.device('vdev0')).transaction('tx', { strategy: 'coherent', dir: 'to-device' }, [guest73.ram('s', { pages: 1 })]).unmap('tx').build())
// ... whatever the region: the allocation is the kernel's, and shared memory is what it refuses
expectError(guest73.plan(guest73.device('vdev0')).transaction('tx', { strategy: 'coherent', dir: 'to-device' }, [guest73.ram('s', { pages: 1, shared: true })]).unmap('tx').build())
const host73 = platform({ kernel: '7.3', iommu: { mode: 'translated' } })
expectType<Plan>(host73.plan(host73.device('dev0')).transaction('tx', { strategy: 'coherent', dir: 'to-device' }, [host73.ram('s', { pages: 1 })]).unmap('tx').build())
expectType<Plan>(guest.plan(vdev).transaction('tx', { strategy: 'iova', dir: 'to-device' }, [shared]).deviceReads('tx', shared).unmap('tx').build())

// private memory after shared memory: R5 is tested before uniformity (R2)
expectError(guest.plan(vdev).transaction('tx', { strategy: 'iova', dir: 'to-device' }, [shared, secret]).unmap('tx').build())
expectType<Plan>(guest.plan(vdev).transaction('tx', { strategy: 'iova', dir: 'to-device' }, [shared, shared2]).unmap('tx').build())

// without an IOMMU, sg, blk and auto bounce it (dma-direct: force_dma_unencrypted()); behind one, they do not
expectType<Plan>(bare.plan(bareDev).transaction('tx', { strategy: 'sg', dir: 'to-device' }, [bareSecret]).unmap('tx').build())
expectType<Plan>(bare.plan(bareDev).transaction('rq', { strategy: 'blk', dir: 'to-device' }, [bareSecret]).unmap('rq').build())
expectError(guest.plan(vdev).transaction('tx', { strategy: 'sg', dir: 'to-device' }, [secret]).unmap('tx').build())
expectError(guest.plan(vdev).transaction('rq', { strategy: 'blk', dir: 'to-device' }, [secret]).unmap('rq').build())
expectType<Plan>(bare.plan(bareDev).transaction('tx', { strategy: 'auto', dir: 'to-device' }, [bareSecret]).unmap('tx').build())

// hmm refuses a confidential guest even for shared memory
expectError(guest.plan(vdev).transaction('mr', { strategy: 'hmm', dir: 'bidirectional' }, [shared]).unmap('mr').build())
// ... with private memory too (the compiler reports the first failing argument, the strategy; run time names the region as well)
expectError(guest.plan(vdev).transaction('mr', { strategy: 'hmm', dir: 'bidirectional' }, [secret]).unmap('mr').build())
expectError(bare.plan(bareDev).transaction('mr', { strategy: 'hmm', dir: 'bidirectional' }, [bareSecret]).unmap('mr').build())
expectType<Plan>(guest.plan(vdev).transaction('mr', { strategy: 'sg', dir: 'bidirectional' }, [shared]).unmap('mr').build())

// hmm refuses a device that needs cache maintenance
expectError(arm.plan(armNic).transaction('mr', { strategy: 'hmm', dir: 'bidirectional' }, [odp]).unmap('mr').build())
expectError(arm.plan(armNic).transaction('mr', { strategy: 'hmm', dir: 'bidirectional', populate: false }, [odp]).hmmFault('mr', 0).unmap('mr').build())
expectType<Plan>(arm.plan(x86Nic).transaction('mr', { strategy: 'hmm', dir: 'bidirectional', populate: false }, [odp]).hmmFault('mr', 0).unmap('mr').build())
expectType<Plan>(arm.plan(armNic).transaction('mr', { strategy: 'iova', dir: 'bidirectional' }, [odp]).unmap('mr').build())
