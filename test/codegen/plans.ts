/**
 * Plans for the generator's tests beyond examples/: each exercises template
 * variants and code shapes the examples do not (see `why`).
 */
import { platform } from '../../src/index.js'
import type { KernelVersion, Plan } from '../../src/index.js'

export interface TestPlan {
  readonly plan: Plan
  readonly why: string
  /** Also render the plan for these kernels (other template variants). */
  readonly kernels?: readonly KernelVersion[]
}

/** IOVA with unaligned ends on a non-coherent device: ranged syncs both ways, a lazy flush and a wait. */
function iovaSync(): Plan {
  const host = platform({ kernel: '7.0', iommu: { mode: 'translated', granule: 4096, flush: 'lazy' } })
  const dev = host.device('dsp0', { dmaMask: 40, coherent: false, maxSegmentSize: 0x20000, segmentBoundary: 0xffffffffffffffffn })
  const head = host.ram('head', { offset: 0x40, bytes: 0xfc0 })
  const mid = host.ram('mid', { pages: 2 })
  const tail = host.ram('tail', { bytes: 0x100 })
  return host
    .plan(dev, { name: 'iova_sync' })
    .transaction('ring', { strategy: 'iova', dir: 'bidirectional' }, [head, mid, tail])
    .cpuWrites(head)
    .syncForDevice('ring')
    .deviceReads('ring', head)
    .deviceWrites('ring', tail)
    .syncForCpu('ring', tail)
    .cpuReads(tail)
    .unmap('ring')
    .wait(10)
    .build()
}

/** Transactions unmapped out of order: failures need different undo sequences (goto between labels). */
function reorder(): Plan {
  const host = platform({ kernel: '7.0', iommu: { mode: 'translated', flush: 'strict' } })
  const dev = host.device('eth0', { dmaMask: 64 })
  const a = host.ram('a', { pages: 1 })
  const b = host.ram('b', { pages: 2 })
  const c = host.ram('c', { pages: 1 })
  const d = host.ram('d', { pages: 4 })
  return host
    .plan(dev, { name: 'reorder' })
    .transaction('ta', { strategy: 'page', dir: 'to-device' }, [a])
    .transaction('tb', { strategy: 'sg', dir: 'from-device' }, [b])
    .transaction('tc', { strategy: 'iova', dir: 'to-device' }, [c])
    .deviceReads('ta', a)
    .unmap('ta')
    .transaction('td', { strategy: 'coherent', dir: 'bidirectional' }, [d])
    .deviceWrites('tb', b)
    .unmap('td')
    .unmap('tc')
    .unmap('tb')
    .build()
}

/** auto over six kinds of buffer: IOVA runs cut at unaligned joins, bus address, MMIO. */
function mixedAuto(): Plan {
  const host = platform({
    kernel: '7.0',
    iommu: { mode: 'translated', granule: 4096, flush: 'strict' },
    pci: { switches: { sw0: {}, sw1: {} }, hostBridgeP2P: true },
  })
  const nic = host.device('nic0', { at: 'sw0', dmaMask: 64 })
  const near = host.device('gpu0', { at: 'sw0', p2pMemory: { bytes: 1n << 30n, busOffset: 0x1000000000n } })
  const far = host.device('gpu1', { at: 'sw1', p2pMemory: { bytes: 1n << 30n } })
  const h1 = host.ram('h1', { pages: 2 })
  const h2 = host.ram('h2', { offset: 0x100, bytes: 0x800 })
  const h3 = host.ram('h3', { pages: 1 })
  const vram = near.p2p('vram', { pages: 2 })
  const bar = far.p2p('bar', { pages: 2 })
  const h4 = host.ram('h4', { pages: 1 })
  return host
    .plan(nic, { name: 'mixed_auto' })
    .transaction('mr', { strategy: 'auto', dir: 'bidirectional' }, [h1, h2, h3, vram, bar, h4])
    .deviceWrites('mr', h2)
    .syncForCpu('mr')
    .cpuReads(h2)
    .deviceReads('mr', bar)
    .unmap('mr')
    .build()
}

/** Host-bridge P2P memory mapped per buffer: DMA_ATTR_MMIO from 6.18, dma_map_resource() before. */
function bridgePage(): Plan {
  const host = platform({ kernel: '7.0', iommu: { mode: 'none' }, pci: { switches: { sw0: {} }, hostBridgeP2P: true } })
  const dev = host.device('fpga0', { dmaMask: 48 })
  const peer = host.device('ssd0', { p2pMemory: { bytes: 0x100000 } })
  const cmb = peer.p2p('cmb', { offset: 0x80, bytes: 0x1000 })
  return host
    .plan(dev, { name: 'bridge_page' })
    .transaction('dma', { strategy: 'page', dir: 'to-device' }, [cmb])
    .deviceReads('dma', cmb)
    .syncForCpu('dma')
    .unmap('dma')
    .build()
}

/** A confidential guest with shared and private memory, attributes, and coherent rings. */
function cocoShared(): Plan {
  const guest = platform({ kernel: '7.0', iommu: { mode: 'none' }, coco: true, swiotlb: { bytes: 0x2000000, force: true } })
  const dev = guest.device('vnet0', { dmaMask: 64 })
  const shared = guest.ram('shared', { pages: 2, shared: true })
  const priv = guest.ram('priv', { offset: 0x10, bytes: 0x1f0 })
  const ring = guest.ram('ring', { pages: 1 })
  return guest
    .plan(dev, { name: 'coco_shared' })
    .transaction('rings', { strategy: 'coherent', dir: 'bidirectional' }, [ring])
    .transaction('tx', { strategy: 'sg', dir: 'to-device', attrs: ['DMA_ATTR_NO_WARN'] }, [priv])
    .transaction('rx', { strategy: 'page', dir: 'from-device', attrs: ['DMA_ATTR_REQUIRE_COHERENT'] }, [shared])
    .cpuWrites(priv)
    .syncForDevice('tx')
    .deviceReads('tx', priv)
    .deviceWrites('rx', shared)
    .syncForCpu('rx')
    .cpuReads(shared)
    .unmap('rx')
    .unmap('tx')
    .unmap('rings')
    .build()
}

/** A block request of host-bridge P2P memory on 6.17: the iterator's first, four-argument unmap. */
function blkBridge(): Plan {
  const host = platform({ kernel: '6.17', iommu: { mode: 'translated', flush: 'strict' }, pci: { hostBridgeP2P: true } })
  const nvme = host.device('nvme1', { dmaMask: 64, minAlignMask: 0xfff })
  const peer = host.device('nvme2', { p2pMemory: { bytes: 0x400000 } })
  const cmb = peer.p2p('cmb', { pages: 4 })
  return host
    .plan(nvme, { name: 'blk_bridge' })
    .transaction('rq', { strategy: 'blk', dir: 'to-device' }, [cmb])
    .deviceReads('rq', cmb)
    .unmap('rq')
    .build()
}

/** p2p-bus and a populated HMM mirror mixing host and peer pages on 6.16: the old bus-address helper. */
function bus616(): Plan {
  const host = platform({ kernel: '6.16', iommu: { mode: 'translated', flush: 'strict' }, pci: { switches: { plx: {} } } })
  const nic = host.device('nic1', { at: 'plx', dmaMask: 64 })
  const gpu = host.device('gpu2', { at: 'plx', p2pMemory: { bytes: 0x10000000 } })
  const frame = gpu.p2p('frame', { pages: 4 })
  const heap = host.ram('heap', { pages: 3 })
  return host
    .plan(nic, { name: 'bus_616' })
    .transaction('peer', { strategy: 'p2p-bus', dir: 'from-device' }, [frame])
    .transaction('mr', { strategy: 'hmm', dir: 'bidirectional' }, [heap, frame])
    .deviceWrites('peer', frame)
    .deviceReads('mr', heap)
    .unmap('mr')
    .unmap('peer')
    .build()
}

/** Several mappings kept past the plan's end, released at unbind latest first. */
function keepMany(): Plan {
  const host = platform({ kernel: '6.12', iommu: { mode: 'passthrough' } })
  const dev = host.device('uart0', { dmaMask: 32, pci: true })
  const desc = host.ram('desc', { pages: 1 })
  const rx = host.ram('rx', { pages: 2 })
  const tx = host.ram('tx', { bytes: 0x600 })
  return host
    .plan(dev, { name: 'keep_many' })
    .transaction('ring', { strategy: 'coherent', dir: 'bidirectional' }, [desc])
    .transaction('rxq', { strategy: 'page', dir: 'from-device' }, [rx])
    .transaction('txq', { strategy: 'sg', dir: 'to-device' }, [tx])
    .deviceReads('txq', tx)
    .keep('ring')
    .keep('rxq')
    .keep('txq')
    .build()
}

/** dma_iova_unlink() of the middle buffer: the unmap unlinks the two runs left and frees the IOVA space. */
function iovaUnlink(): Plan {
  const host = platform({ kernel: '7.3', iommu: { mode: 'translated', flush: 'strict' } })
  const dev = host.device('nic0', { dmaMask: 64 })
  const a = host.ram('a', { offset: 0x100, bytes: 0xf00 })
  const b = host.ram('b', { pages: 2 })
  const c = host.ram('c', { bytes: 0x800 })
  return host
    .plan(dev, { name: 'iova_unlink' })
    .transaction('mr', { strategy: 'iova', dir: 'bidirectional' }, [a, b, c])
    .deviceWrites('mr', b)
    .unlink('mr', b)
    .cpuReads(b)
    .deviceReads('mr', c)
    .unmap('mr')
    .build()
}

/** A probe that falls back to a 32-bit mask, then narrows its segments between transactions: each dma_set_*() call in the run, the mask's failure returned before anything is mapped. */
function probeFallback(): Plan {
  const host = platform({ kernel: '6.12', iommu: { mode: 'none' } })
  const dev = host.device('nic0', { dmaMask: 64 })
  const ring = host.ram('ring', { pages: 1 })
  const rx = host.ram('rx', { pages: 4 })
  return host
    .plan(dev, { name: 'probe_fallback' })
    .setDmaMask(32)
    .transaction('desc', { strategy: 'coherent', dir: 'bidirectional' }, [ring])
    .setMaxSegmentSize(0x1000)
    .setSegmentBoundary(0xffff)
    .setMinAlignMask(0xfff)
    .transaction('rxq', { strategy: 'sg', dir: 'from-device' }, [rx])
    .deviceWrites('rxq', rx)
    .unmap('rxq')
    .cpuReads(rx)
    .unmap('desc')
    .build()
}

/**
 * Names that are the kernel's own identifiers and C keywords: the plan pci,
 * its device device, its buffers page, dma_addr_t and int, its transactions
 * pci_dev and kmalloc. The generated C must collide with none of them
 * (struct pci_dev, struct page, dma_addr_t, kmalloc() stay the kernel's).
 */
function kernelNames(): Plan {
  const host = platform({ kernel: '7.0', iommu: { mode: 'translated', flush: 'strict' } })
  const dev = host.device('device', { dmaMask: 64 })
  const page = host.ram('page', { pages: 1 })
  const addr = host.ram('dma_addr_t', { pages: 2 })
  const int = host.ram('int', { bytes: 0x200 })
  return host
    .plan(dev, { name: 'pci' })
    .transaction('pci_dev', { strategy: 'sg', dir: 'to-device' }, [page, addr])
    .transaction('kmalloc', { strategy: 'page', dir: 'from-device' }, [int])
    .deviceReads('pci_dev', page)
    .deviceWrites('kmalloc', int)
    .unmap('kmalloc')
    .unmap('pci_dev')
    .build()
}

export const TEST_PLANS: readonly TestPlan[] = [
  { plan: iovaSync(), why: 'IOVA with unaligned ends, non-coherent device, syncs both ways', kernels: ['6.16'] },
  { plan: reorder(), why: 'non-LIFO unmaps: a ladder with gotos' },
  { plan: mixedAuto(), why: 'auto split six ways', kernels: ['6.12', '6.18'] },
  { plan: bridgePage(), why: 'host-bridge P2P per buffer', kernels: ['6.12', '6.18'] },
  { plan: cocoShared(), why: 'confidential guest: shared and private memory, attributes' },
  { plan: blkBridge(), why: 'blk on 6.17' },
  { plan: bus616(), why: 'p2p-bus and HMM on 6.16' },
  { plan: keepMany(), why: 'kept mappings released at unbind' },
  { plan: iovaUnlink(), why: 'part of an IOVA range unlinked before the unmap', kernels: ['6.16'] },
  { plan: kernelNames(), why: "names that are the kernel's identifiers (pci, page, dma_addr_t, kmalloc) and a C keyword" },
  { plan: probeFallback(), why: 'driver steps between transactions: dma_set_*() in the run, the dma_parms setters (void) under a mapped coherent ring' },
]
