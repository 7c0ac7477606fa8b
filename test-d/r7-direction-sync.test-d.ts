// R7: device writes need from-device/bidirectional, device reads need to-device/bidirectional, hmm is bidirectional,
// and where CPU and device views differ (non-coherent device, bounced mapping) each side syncs before it reads the other's data.
import { expectError, expectType } from 'tsd'
import { platform } from 'dmaplan'
import type { Plan } from 'dmaplan'

const host = platform({ kernel: '7.0', iommu: { mode: 'translated' }, pci: { switches: { sw0: {} } } })
const nic = host.device('nic0', { at: 'sw0', dmaMask: 64 }) // coherent, trusted
const soc = host.device('soc0', { at: 'sw0', dmaMask: 64, coherent: false })
const tb = host.device('tb0', { dmaMask: 64, trusted: false }) // external-facing: sub-granule buffers bounce
const gpu = host.device('gpu0', { at: 'sw0', p2pMemory: { bytes: 1 << 30 } })
const buf = host.ram('buf', { pages: 4 })
const desc = host.ram('desc', { pages: 1 })
const small = host.ram('small', { offset: 0x80, bytes: 0x100 })
const vram = gpu.p2p('vram', { pages: 4 })

const guest = platform({ kernel: '7.0', iommu: { mode: 'none' }, coco: true })
const vdev = guest.device('vdev0', { dmaMask: 64 })
const secret = guest.ram('secret', { pages: 2 })

const forced = platform({ kernel: '6.12', iommu: { mode: 'passthrough' }, swiotlb: { force: true } })
const fdev = forced.device('nic0', { dmaMask: 64 })
const fbuf = forced.ram('fbuf', { pages: 2 })

// ---- directions
expectError(host.plan(nic).transaction('tx', { strategy: 'page', dir: 'to-device' }, [buf]).deviceWrites('tx', buf).unmap('tx').build())
expectType<Plan>(host.plan(nic).transaction('tx', { strategy: 'page', dir: 'from-device' }, [buf]).deviceWrites('tx', buf).unmap('tx').build())
// the sentence names the device and the region first
const toDevice = host.plan(nic).transaction('tx', { strategy: 'page', dir: 'to-device' }, [buf])
expectType<'R7: nic0 writes buf through tx, which is mapped DMA_TO_DEVICE; device writes need DMA_FROM_DEVICE or DMA_BIDIRECTIONAL.'>(
  null as unknown as Parameters<typeof toDevice.deviceWrites<'tx', typeof buf>>[0],
)

expectError(host.plan(nic).transaction('rx', { strategy: 'iova', dir: 'from-device' }, [buf]).deviceReads('rx', buf).unmap('rx').build())
expectType<Plan>(host.plan(nic).transaction('rx', { strategy: 'iova', dir: 'to-device' }, [buf]).deviceReads('rx', buf).unmap('rx').build())
expectType<Plan>(host.plan(nic).transaction('rx', { strategy: 'iova', dir: 'bidirectional' }, [buf]).deviceReads('rx', buf).deviceWrites('rx', buf).unmap('rx').build())

// a direction that only fails on the second transaction
expectError(
  host
    .plan(nic)
    .transaction('a', { strategy: 'sg', dir: 'from-device' }, [buf])
    .transaction('b', { strategy: 'sg', dir: 'to-device' }, [desc])
    .deviceWrites('a', buf)
    .deviceWrites('b', desc)
    .unmap('a')
    .unmap('b')
    .build(),
)

// hmm maps every page DMA_BIDIRECTIONAL
expectError(host.plan(nic).transaction('mr', { strategy: 'hmm', dir: 'to-device' }, [buf]).unmap('mr').build())
expectError(host.plan(nic).transaction('mr', { strategy: 'hmm', dir: 'from-device' }, [buf, vram]).unmap('mr').build())
expectType<Plan>(host.plan(nic).transaction('mr', { strategy: 'hmm', dir: 'bidirectional' }, [buf, vram]).unmap('mr').build())

// ---- sync for the CPU
// a non-coherent device
expectError(host.plan(soc).transaction('rx', { strategy: 'page', dir: 'from-device' }, [buf]).deviceWrites('rx', buf).cpuReads(buf).unmap('rx').build())
expectType<Plan>(host.plan(soc).transaction('rx', { strategy: 'page', dir: 'from-device' }, [buf]).deviceWrites('rx', buf).syncForCpu('rx').cpuReads(buf).unmap('rx').build())
expectType<Plan>(host.plan(soc).transaction('rx', { strategy: 'page', dir: 'from-device' }, [buf]).deviceWrites('rx', buf).unmap('rx').cpuReads(buf).build())
expectType<Plan>(host.plan(nic).transaction('rx', { strategy: 'page', dir: 'from-device' }, [buf]).deviceWrites('rx', buf).cpuReads(buf).unmap('rx').build())

// the sync of one region does not hand over the other
expectError(
  host
    .plan(soc)
    .transaction('rx', { strategy: 'sg', dir: 'from-device' }, [buf, desc])
    .deviceWrites('rx', buf)
    .deviceWrites('rx', desc)
    .syncForCpu('rx', buf)
    .cpuReads(desc)
    .unmap('rx')
    .build(),
)
expectType<Plan>(
  host
    .plan(soc)
    .transaction('rx', { strategy: 'sg', dir: 'from-device' }, [buf, desc])
    .deviceWrites('rx', buf)
    .deviceWrites('rx', desc)
    .syncForCpu('rx', buf)
    .cpuReads(buf)
    .unmap('rx')
    .build(),
)

// private memory of a confidential guest bounces
expectError(guest.plan(vdev).transaction('rx', { strategy: 'page', dir: 'from-device' }, [secret]).deviceWrites('rx', secret).cpuReads(secret).unmap('rx').build())
expectType<Plan>(guest.plan(vdev).transaction('rx', { strategy: 'page', dir: 'from-device' }, [secret]).deviceWrites('rx', secret).syncForCpu('rx').cpuReads(secret).unmap('rx').build())

// swiotlb=force without a translating IOMMU bounces everything
expectError(forced.plan(fdev).transaction('rx', { strategy: 'sg', dir: 'from-device' }, [fbuf]).deviceWrites('rx', fbuf).cpuReads(fbuf).unmap('rx').build())
expectType<Plan>(forced.plan(fdev).transaction('rx', { strategy: 'sg', dir: 'from-device' }, [fbuf]).deviceWrites('rx', fbuf).syncForCpu('rx', fbuf).cpuReads(fbuf).unmap('rx').build())

// an untrusted device behind the IOMMU bounces a sub-granule buffer, not whole pages
expectError(host.plan(tb).transaction('rx', { strategy: 'page', dir: 'from-device' }, [small]).deviceWrites('rx', small).cpuReads(small).unmap('rx').build())
expectType<Plan>(host.plan(tb).transaction('rx', { strategy: 'page', dir: 'from-device' }, [buf]).deviceWrites('rx', buf).cpuReads(buf).unmap('rx').build())

// bus-address P2P memory and coherent allocations never need a sync
expectType<Plan>(host.plan(soc).transaction('rx', { strategy: 'p2p-bus', dir: 'from-device' }, [vram]).deviceWrites('rx', vram).cpuReads(vram).unmap('rx').build())
expectType<Plan>(host.plan(soc).transaction('ring', { strategy: 'coherent', dir: 'bidirectional' }, [desc]).deviceWrites('ring', desc).cpuReads(desc).keep('ring').build())

// ---- sync for the device
expectError(host.plan(soc).transaction('tx', { strategy: 'page', dir: 'to-device' }, [buf]).cpuWrites(buf).deviceReads('tx', buf).unmap('tx').build())
expectType<Plan>(host.plan(soc).transaction('tx', { strategy: 'page', dir: 'to-device' }, [buf]).cpuWrites(buf).syncForDevice('tx').deviceReads('tx', buf).unmap('tx').build())
expectType<Plan>(host.plan(soc).cpuWrites(buf).transaction('tx', { strategy: 'page', dir: 'to-device' }, [buf]).deviceReads('tx', buf).unmap('tx').build())

expectError(guest.plan(vdev).transaction('tx', { strategy: 'sg', dir: 'to-device' }, [secret]).cpuWrites(secret).deviceReads('tx', secret).unmap('tx').build())
expectType<Plan>(guest.plan(vdev).transaction('tx', { strategy: 'sg', dir: 'to-device' }, [secret]).cpuWrites(secret).syncForDevice('tx', secret).deviceReads('tx', secret).unmap('tx').build())

// a CPU write after the sync needs another sync
expectError(
  host
    .plan(soc)
    .transaction('tx', { strategy: 'iova', dir: 'bidirectional' }, [buf])
    .cpuWrites(buf)
    .syncForDevice('tx')
    .deviceReads('tx', buf)
    .cpuWrites(buf)
    .deviceReads('tx', buf)
    .unmap('tx')
    .build(),
)
