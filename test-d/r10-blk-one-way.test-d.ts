// R10: a block request moves data one way (rq_dma_dir()): blk is to-device or from-device, never bidirectional.
import { expectError, expectType } from 'tsd'
import { platform } from 'dmaplan'
import type { Plan } from 'dmaplan'

const host = platform({ kernel: '6.17', iommu: { mode: 'translated' } })
const nvme = host.device('nvme0', { dmaMask: 64 })
const data = host.ram('data', { pages: 8 })

expectError(host.plan(nvme).transaction('rq', { strategy: 'blk', dir: 'bidirectional' }, [data]).unmap('rq').build())
expectType<Plan>(host.plan(nvme).transaction('rq', { strategy: 'blk', dir: 'to-device' }, [data]).deviceReads('rq', data).unmap('rq').build())
expectType<Plan>(host.plan(nvme).transaction('rq', { strategy: 'blk', dir: 'from-device' }, [data]).deviceWrites('rq', data).unmap('rq').build())
// other strategies still map bidirectional
expectType<Plan>(host.plan(nvme).transaction('rq', { strategy: 'page', dir: 'bidirectional' }, [data]).unmap('rq').build())
