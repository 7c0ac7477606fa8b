// R11: dma_alloc_coherent() returns memory already mapped for the device; no other transaction maps a coherent transaction's region.
import { expectError, expectType } from 'tsd'
import { platform } from 'dmaplan'
import type { Plan } from 'dmaplan'

const host = platform({ kernel: '7.0', iommu: { mode: 'translated' } })
const nic = host.device('nic0', { dmaMask: 64 })
const ring = host.ram('ring', { pages: 1 })
const data = host.ram('data', { pages: 2 })

expectError(
  host
    .plan(nic)
    .transaction('desc', { strategy: 'coherent', dir: 'bidirectional' }, [ring])
    .transaction('rx', { strategy: 'page', dir: 'from-device' }, [ring])
    .unmap('rx')
    .unmap('desc')
    .build(),
)
expectError(
  host
    .plan(nic)
    .transaction('rx', { strategy: 'page', dir: 'from-device' }, [ring])
    .unmap('rx')
    .transaction('desc', { strategy: 'coherent', dir: 'bidirectional' }, [ring])
    .unmap('desc')
    .build(),
)
// two coherent transactions of one region, and streaming maps of other regions, are fine
expectType<Plan>(
  host
    .plan(nic)
    .transaction('a', { strategy: 'coherent', dir: 'bidirectional' }, [ring])
    .transaction('b', { strategy: 'coherent', dir: 'bidirectional' }, [ring])
    .transaction('rx', { strategy: 'page', dir: 'from-device' }, [data])
    .unmap('rx')
    .unmap('b')
    .unmap('a')
    .build(),
)
