/**
 * txLayout(): the pieces the report draws, computed on the simulator's side
 * from its result (physical ranges, IOVA ranges, swiotlb slots, hardware
 * segments and the links between them), exact on small plans.
 */
import { describe, expect, it } from 'vitest'
import { platform } from '../../src/index.js'
import type { Plan } from '../../src/index.js'
import { simulate, swiotlbPool, txLayout } from '../../src/sim/index.js'
import type { TxLayout } from '../../src/sim/index.js'

function layoutOf(plan: Plan): TxLayout {
  const result = simulate(plan)
  const tx = result.transactions[0]
  if (tx === undefined) throw new Error('no transaction')
  return txLayout(result, plan, tx)
}

describe('txLayout', () => {
  it('behind an IOMMU: one coalesced segment, its IOVA range as dma_map_sgtable() allocated it (three granules asked, four reserved), phys -> IOVA -> segment per region', () => {
    const host = platform({ kernel: '6.12', iommu: { mode: 'translated', flush: 'strict' } })
    const hba = host.device('ahci0', { dmaMask: 64 })
    const a = host.ram('a', { offset: 0x200, bytes: 0xe00 })
    const b = host.ram('b', { pages: 1 })
    const c = host.ram('c', { bytes: 0x800 })
    const m = layoutOf(host.plan(hba, { name: 'sg' }).transaction('io', { strategy: 'sg', dir: 'to-device' }, [a, b, c]).unmap('io').build())

    expect(m.regions).toEqual([
      { id: 'io/phys/a', region: 'a', kind: 'normal', phys: 0x27ffff200n, bytes: 0xe00n, pages: { start: 0x27ffff000n, len: 0x1000n }, placed: 'model' },
      { id: 'io/phys/b', region: 'b', kind: 'normal', phys: 0x27fffe000n, bytes: 0x1000n, pages: { start: 0x27fffe000n, len: 0x1000n }, placed: 'model' },
      { id: 'io/phys/c', region: 'c', kind: 'normal', phys: 0x27fffd000n, bytes: 0x800n, pages: { start: 0x27fffd000n, len: 0x1000n }, placed: 'model' },
    ])
    expect(m.segments).toEqual([{ id: 'io/seg/0', index: 0, dma: 0xffffc200n, len: 0x2600n, entries: 1, first: 0, at: 0n, addr: 'iova' }])
    expect(m.iova).toEqual([{ id: 'io/iova/0', start: 0xffffc000n, len: 0x4000n, granules: 4n, call: 'dma_map_sgtable' }])
    expect(m.bounce).toEqual([])
    expect(m.pieces).toEqual([
      { region: 0, offset: 0n, len: 0xe00n, phys: 0x27ffff200n, dma: 0xffffc200n, segment: 0, route: 'iova' },
      { region: 1, offset: 0n, len: 0x1000n, phys: 0x27fffe000n, dma: 0xffffd000n, segment: 0, route: 'iova' },
      { region: 2, offset: 0n, len: 0x800n, phys: 0x27fffd000n, dma: 0xffffe000n, segment: 0, route: 'iova' },
    ])
    expect(m.links.map((l) => [l.kind, l.from.id, l.from.addr, l.to.id, l.to.addr, l.len, l.region, l.regionIndex])).toEqual([
      ['iommu', 'io/phys/a', 0x27ffff200n, 'io/iova/0', 0xffffc200n, 0xe00n, 'a', 0],
      ['dma', 'io/iova/0', 0xffffc200n, 'io/seg/0', 0xffffc200n, 0xe00n, 'a', 0],
      ['iommu', 'io/phys/b', 0x27fffe000n, 'io/iova/0', 0xffffd000n, 0x1000n, 'b', 1],
      ['dma', 'io/iova/0', 0xffffd000n, 'io/seg/0', 0xffffd000n, 0x1000n, 'b', 1],
      ['iommu', 'io/phys/c', 0x27fffd000n, 'io/iova/0', 0xffffe000n, 0x800n, 'c', 2],
      ['dma', 'io/iova/0', 0xffffe000n, 'io/seg/0', 0xffffe000n, 0x800n, 'c', 2],
    ])
    expect(m.unreached).toEqual([])
    expect(m.view).toEqual({ total: 0x2600n, mirror: false, page: 0x1000n })
    expect([m.page, m.granule]).toEqual([0x1000n, 0x1000n])
  })

  it('on dma-direct with swiotlb=force: the segment points at IO_TLB_SIZE slots of the pool, phys -> slots -> segment', () => {
    const host = platform({ kernel: '6.12', iommu: { mode: 'none' }, swiotlb: { bytes: 4 << 20, force: true } })
    const nic = host.device('nic', { dmaMask: 64 })
    const a = host.ram('a', { offset: 0x100, bytes: 0x1200 })
    const plan = host.plan(nic, { name: 'b' }).transaction('io', { strategy: 'page', dir: 'to-device' }, [a]).unmap('io').build()
    const m = layoutOf(plan)

    expect(m.pool).toEqual({ start: 0x7fc00000n, end: 0x80000000n, slots: 2048, slotSize: 0x800n })
    expect(swiotlbPool(simulate(plan))).toEqual(m.pool)
    expect(m.regions.map((r) => [r.phys, r.bytes, r.pages])).toEqual([[0x27fffe100n, 0x1200n, { start: 0x27fffe000n, len: 0x2000n }]])
    expect(m.segments).toEqual([{ id: 'io/seg/0', index: 0, dma: 0x7fc00000n, len: 0x1200n, entries: 1, first: 0, at: 0n, addr: 'swiotlb' }])
    // 0x1200 bytes take three 2 KiB slots, the first of the pool.
    expect(m.bounce).toEqual([{ id: 'io/bounce/0', start: 0x7fc00000n, len: 0x1800n, slot: 0, slots: 3 }])
    expect(m.iova).toEqual([])
    expect(m.pieces).toEqual([{ region: 0, offset: 0n, len: 0x1200n, phys: 0x27fffe100n, dma: 0x7fc00000n, segment: 0, route: 'bounce' }])
    expect(m.links.map((l) => [l.kind, l.from.band, l.from.addr, l.to.band, l.to.id, l.to.addr, l.len])).toEqual([
      ['bounce', 'phys', 0x27fffe100n, 'bounce', 'io/bounce/0', 0x7fc00000n, 0x1200n],
      ['direct', 'bounce', 0x7fc00000n, 'seg', 'io/seg/0', 0x7fc00000n, 0x1200n],
    ])
  })

  it('hmm: the device axis is the mirror by page, pages not faulted in are unreached, the IOVA range is hmm_dma_map_alloc()', () => {
    const host = platform({ kernel: '7.0', iommu: { mode: 'translated', flush: 'strict' } })
    const nic = host.device('mlx5_1', { dmaMask: 64 })
    const odp = host.ram('odp', { pages: 4 })
    const m = layoutOf(
      host
        .plan(nic, { name: 'h' })
        .transaction('mirror', { strategy: 'hmm', dir: 'bidirectional', populate: false }, [odp])
        .hmmFault('mirror', 0)
        .hmmFault('mirror', 2)
        .unmap('mirror')
        .build(),
    )

    expect(m.view).toEqual({ total: 0x4000n, mirror: true, page: 0x1000n })
    expect(m.segments.map((s) => [s.dma, s.len, s.first, s.at, s.addr])).toEqual([
      [0xffffc000n, 0x1000n, 0, 0n, 'iova'],
      [0xffffe000n, 0x1000n, 2, 0x2000n, 'iova'],
    ])
    expect(m.iova).toEqual([{ id: 'mirror/iova/0', start: 0xffffc000n, len: 0x4000n, granules: 4n, call: 'hmm_dma_map_alloc' }])
    expect(m.pieces).toEqual([
      { region: 0, offset: 0n, len: 0x1000n, phys: 0x27fffc000n, dma: 0xffffc000n, segment: 0, route: 'iova' },
      { region: 0, offset: 0x2000n, len: 0x1000n, phys: 0x27fffe000n, dma: 0xffffe000n, segment: 1, route: 'iova' },
    ])
    expect(m.unreached).toEqual([
      { region: 0, span: { start: 0x1000n, end: 0x2000n } },
      { region: 0, span: { start: 0x3000n, end: 0x4000n } },
    ])
    expect(m.links.map((l) => [l.kind, l.to.id])).toEqual([
      ['iommu', 'mirror/iova/0'],
      ['dma', 'mirror/seg/0'],
      ['iommu', 'mirror/iova/0'],
      ['dma', 'mirror/seg/1'],
    ])
  })
})

describe('txLayout reads what the simulator recorded where it allocated', () => {
  it('behind an IOMMU a bounced sub-granule buffer of an untrusted device goes memory -> swiotlb slot -> IOVA -> segment', () => {
    const host = platform({ kernel: '6.12', iommu: { mode: 'translated', flush: 'strict' } })
    const nic = host.device('nic', { dmaMask: 64, trusted: false })
    const a = host.ram('a', { offset: 0x100, bytes: 0x200 })
    const plan = host.plan(nic, { name: 'b' }).transaction('io', { strategy: 'page', dir: 'to-device' }, [a]).unmap('io').build()
    const result = simulate(plan)
    const tx = result.transactions[0]
    if (tx === undefined) throw new Error('no transaction')
    // iommu_dma_map_page() bounces the buffer (it shares its granule with other memory) and maps the slot.
    expect(tx.allocations.swiotlb).toHaveLength(1)
    // The slot allocation is aligned to the granule (swiotlb_tbl_map_single()'s alloc_align_mask is iova_mask()): 0x100 + 0x200 bytes in two 2 KiB slots.
    expect(tx.allocations.swiotlb[0]).toMatchObject({ slots: 2, orig: '0x27ffff100', size: '0x200', call: 'dma_map_page_attrs' })
    expect(tx.allocations.iova).toEqual([{ start: expect.any(String), len: '0x1000', call: 'dma_map_page_attrs' }])
    const m = txLayout(result, plan, tx)
    expect(m.bounce).toHaveLength(1)
    const slot = BigInt(tx.allocations.swiotlb[0]?.addr ?? 0)
    expect(m.links.map((l) => [l.kind, l.from.band, l.from.addr, l.to.band, l.to.addr, l.len])).toEqual([
      ['bounce', 'phys', 0x27ffff100n, 'bounce', slot, 0x200n],
      ['iommu', 'bounce', slot, 'iova', m.pieces[0]?.dma, 0x200n],
      ['dma', 'iova', m.pieces[0]?.dma, 'seg', m.pieces[0]?.dma, 0x200n],
    ])
  })

  it('a loop of calls allocates run after run, recorded as one entry, with the call that made the first', () => {
    const host = platform({ kernel: '6.12', iommu: { mode: 'translated', flush: 'strict' } })
    const nic = host.device('nic', { dmaMask: 64 })
    const pages = Array.from({ length: 8 }, (_, i) => host.ram(`p${i}`, { pages: 1 }))
    const result = simulate(host.plan(nic, { name: 'p' }).transaction('io', { strategy: 'page', dir: 'to-device' }, pages).unmap('io').build())
    const tx = result.transactions[0]
    expect(tx?.calls.filter((c) => c.fn === 'dma_map_page_attrs').reduce((n, c) => n + (c.repeat?.count ?? 1), 0)).toBe(8)
    expect(tx?.counters.iovaPages).toBe(8)
    // Eight calls, one granule each, top-down and back to back (K-R20): one run of eight granules.
    expect(tx?.allocations.iova).toEqual([{ start: '0xffff8000', len: '0x8000', call: 'dma_map_page_attrs' }])
  })
})
