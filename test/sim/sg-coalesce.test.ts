/**
 * Scatterlist mapping (docs/kernel-behaviour.md K-R37 to K-R39) with the
 * IOMMU coalescing K-C1 to K-C8 and the examples E1-E4, to the byte.
 */
import { describe, expect, it } from 'vitest'
import { DMA_MAPPING_ERROR, DMA_TO_DEVICE, ERRNO } from '../../src/sim/consts.js'
import { buildSgTable, dmaSegments } from '../../src/sim/dma/scatterlist.js'
import type { SgRange } from '../../src/sim/dma/scatterlist.js'
import type { Machine } from '../../src/sim/run/machine.js'
import { hex, machine, map, ram, run, unmap } from './helpers.js'

const A0 = 0x1_0000_0000n
const E1_RANGES: SgRange[] = [
  { region: 'a', phys: A0 + 0x10200n, len: 0xe00n },
  { region: 'b', phys: A0 + 0x30000n, len: 0x1000n },
  { region: 'c', phys: A0 + 0x50000n, len: 0x800n },
]

function mapList(m: Machine, ranges: SgRange[]) {
  const sgt = m.api.sg_alloc_table(ranges)
  if (typeof sgt === 'number') throw new Error('alloc')
  const ret = m.api.dma_map_sgtable(sgt, DMA_TO_DEVICE, 0)
  return { sgt, ret, segs: dmaSegments(sgt).map((s) => [hex(s.dma), hex(BigInt(s.len))]) }
}

describe('scatterlist coalescing', () => {
  it('E1 three entries that meet on granule boundaries become one segment at X+0x200, length 0x2600', () => {
    const m = machine({ device: { dmaMask: 32 } })
    const { segs, ret, sgt } = mapList(m, E1_RANGES)
    expect(ret).toBe(0)
    // 3 granules round to 4: X is 16 KiB aligned, top-down from 4 GiB.
    expect(segs).toEqual([['0xffffc200', '0x2600']])
    expect(sgt.nents).toBe(1)
    // K-R37: unused trailing entries carry DMA_MAPPING_ERROR and length 0.
    expect(sgt.entries().slice(1).map((s) => [s.dmaAddress, s.dmaLength])).toEqual([
      [DMA_MAPPING_ERROR, 0],
      [DMA_MAPPING_ERROR, 0],
    ])
  })

  it('K-C5 the merge test is unsigned: after an entry longer than max_seg, max_seg - cur_len wraps and the IOMMU merges past the limit (seen on QEMU)', () => {
    // Seen on Debian 6.12 with 2 KiB segments and three page entries (a list a driver cut in pages anyway): one 12 KiB segment.
    const m = machine({ device: { dmaMask: 28, maxSegmentSize: 2048 }, ramBytes: '0x20000000' })
    const pages = buildSgTable(
      ['a', 'b', 'c'].map((region, i) => ({ region, phys: 0x1000000n + BigInt(i) * 0x3000n, len: 0x1000n })),
      0x1000,
    )
    expect(m.api.dma_map_sgtable(pages, DMA_TO_DEVICE, 0)).toBe(0)
    expect(dmaSegments(pages).map((x) => [hex(x.dma), hex(BigInt(x.len))])).toEqual([['0xfffc000', '0x3000']])
  })

  it('K-C5 a maximum segment below a page: the driver cuts entries of at most that size within a page, dma-debug stays silent and each entry keeps its own granule', () => {
    // test/kernel scenario strict_sg_small_seg: sg_alloc_table_from_pages_segment() refuses a maximum below a page, so the driver cuts its own entries.
    const m = machine({ device: { dmaMask: 28, maxSegmentSize: 2048 }, ramBytes: '0x20000000' })
    const sgt = buildSgTable(
      ['a', 'b'].map((region, i) => ({ region, phys: 0x1000000n + BigInt(i) * 0x3000n, len: 0x1000n })),
      2048,
    )
    expect(sgt.entries().map((e) => [hex(e.phys), e.length])).toEqual([
      ['0x1000000', 0x800],
      ['0x1000800', 0x800],
      ['0x1003000', 0x800],
      ['0x1003800', 0x800],
    ])
    const { segs } = mapList(m, [
      { region: 'a', phys: 0x1000000n, len: 0x1000n },
      { region: 'b', phys: 0x1003000n, len: 0x1000n },
    ])
    expect(segs.every(([, len]) => len === '0x800')).toBe(true)
    expect(segs).toHaveLength(4)
    expect(m.reporter.findings.filter((f) => f.id === 'D4')).toEqual([])
  })

  it('E2 an entry that ends mid-granule stops merging: two segments', () => {
    const m = machine({ device: { dmaMask: 32 } })
    const { segs } = mapList(m, [
      { region: 'a', phys: A0, len: 0x800n },
      { region: 'b', phys: A0 + 0x20000n, len: 0x1000n },
    ])
    expect(segs).toEqual([
      ['0xffffe000', '0x800'],
      ['0xfffff000', '0x1000'],
    ])
  })

  it('E3 a 64 KiB segment boundary pads the IOVA: two segments with a 16 KiB hole', () => {
    const m = machine({ device: { dmaMask: 32, segmentBoundary: '0xffff' } })
    const { segs } = mapList(m, [
      { region: 'a', phys: A0, len: 0xc000n },
      { region: 'b', phys: A0 + 0x100000n, len: 0x8000n },
    ])
    // 96 KiB of IOVA (24 granules -> 32): X is 128 KiB aligned.
    expect(segs).toEqual([
      ['0xfffe0000', '0xc000'],
      ['0xffff0000', '0x8000'],
    ])
    expect(m.stats.total[0]).toBe(32)
  })

  it('E4 the same list as E1 on dma-direct: three segments at the physical addresses', () => {
    const m = machine({ iommu: 'none' })
    const { segs } = mapList(m, E1_RANGES)
    expect(segs).toEqual(E1_RANGES.map((r) => [hex(r.phys), hex(r.len)]))
  })

  it('E1 end to end: the sg strategy programs the device with the one coalesced segment', () => {
    const { result } = run({
      kernel: '6.12',
      device: { dmaMask: 32 },
      regions: [
        ram('a', 0xe00, { offset: '0x200', phys: hex(E1_RANGES[0]!.phys) }),
        ram('b', 0x1000, { phys: hex(E1_RANGES[1]!.phys) }),
        ram('c', 0x800, { phys: hex(E1_RANGES[2]!.phys) }),
      ],
      steps: [map('io', 'sg', ['a', 'b', 'c'], 'to-device'), { op: 'device-read', tx: 'io', region: 'c' }, unmap('io')],
    })
    expect(result.transactions[0]?.segments).toEqual([{ dma: '0xffffc200', len: '0x2600', entries: 1, first: 0 }])
    expect(result.ok).toBe(true)
  })

  it('K-C1 untrusted devices map entry by entry through swiotlb, no merging', () => {
    const m = machine({ device: { dmaMask: 32, trusted: false } })
    const { segs, sgt } = mapList(m, E1_RANGES)
    expect(sgt.swiotlb).toBe(true)
    expect(segs).toHaveLength(3)
  })

  it('K-C2 each entry is mapped at its granule-aligned span, the offset kept in the DMA address', () => {
    const m = machine({ device: { dmaMask: 32 } })
    mapList(m, E1_RANGES)
    const d = m.domain!
    expect(d.iovaToPhys(0xffffc000n)).toBe(A0 + 0x10000n)
    expect(d.iovaToPhys(0xffffd000n)).toBe(A0 + 0x30000n)
    expect(d.iovaToPhys(0xffffe000n)).toBe(A0 + 0x50000n)
  })

  it('K-C3 a segment that fits before the boundary is not padded', () => {
    const m = machine({ device: { dmaMask: 32, segmentBoundary: '0xffff' } })
    const { segs } = mapList(m, [
      { region: 'a', phys: A0, len: 0x4000n },
      { region: 'b', phys: A0 + 0x100000n, len: 0x4000n },
    ])
    expect(segs).toEqual([['0xffff8000', '0x8000']])
  })

  it('K-C4 one IOVA for the whole list; none when every entry is a bus address; -ENOMEM when IOVA runs out', () => {
    const m = machine({ device: { dmaMask: 32 } })
    mapList(m, E1_RANGES)
    expect(m.domain?.iovad.allocated()).toHaveLength(1)
    const m2 = machine({ device: { dmaMask: 32 } }, { exhaustIova: true })
    expect(mapList(m2, E1_RANGES).ret).toBe(-ERRNO.ENOMEM)
    const m3 = machine({
      switches: [{ name: 'sw' }],
      device: { at: 'sw' },
      devices: [{ name: 'gpu', at: 'sw', p2pMemory: { bytes: '0x100000', bar: '0x38000000000' } }],
    })
    const r = mapList(m3, [{ region: 'v', phys: 0x380_0000_0000n, len: 0x2000n }])
    expect(r.segs).toEqual([['0x38000000000', '0x2000']])
    expect(m3.domain?.iovad.allocated()).toHaveLength(0)
  })

  it('K-C5 merging stops at the device max segment size', () => {
    const m = machine({ device: { dmaMask: 32, maxSegmentSize: 0x2000 } })
    const ranges: SgRange[] = [0, 1, 2].map((i) => ({ region: `r${i}`, phys: A0 + BigInt(i) * 0x10000n, len: 0x1000n }))
    const { segs } = mapList(m, ranges)
    expect(segs).toEqual([
      ['0xffffc000', '0x2000'],
      ['0xffffe000', '0x1000'],
    ])
  })

  it('K-C6 physical contiguity does not matter, granule alignment does', () => {
    const m = machine({ device: { dmaMask: 32 } })
    const contiguous = mapList(m, [
      { region: 'a', phys: A0, len: 0x800n },
      { region: 'b', phys: A0 + 0x800n, len: 0x800n },
    ])
    expect(contiguous.segs).toHaveLength(2)
  })

  it('K-C7 unmap tears down the single IOVA range in one go', () => {
    const m = machine({ device: { dmaMask: 32 } })
    const { sgt } = mapList(m, E1_RANGES)
    m.api.dma_unmap_sgtable(sgt, DMA_TO_DEVICE, 0)
    expect(m.domain?.pgtable.present).toBe(0)
    expect(m.stats.total[2]).toBe(1)
  })

  it("K-C8 from 6.16 a bus-address entry after the head takes the head's length; 6.12 uses its own", () => {
    const spec = (kernel: string) => ({
      kernel,
      switches: [{ name: 'sw' }],
      device: { at: 'sw' },
      devices: [{ name: 'gpu', at: 'sw', p2pMemory: { bytes: '0x100000', bar: '0x38000000000' } }],
    })
    const list: SgRange[] = [
      { region: 'host', phys: A0, len: 0x3000n },
      { region: 'vram', phys: 0x380_0000_0000n, len: 0x1000n },
    ]
    const new_ = mapList(machine(spec('7.0')), list)
    expect(new_.segs[1]).toEqual(['0x38000000000', '0x3000'])
    const old = mapList(machine(spec('6.12')), list)
    expect(old.segs[1]).toEqual(['0x38000000000', '0x1000'])
  })

  it('K-R37 dma_map_sg returns the segment count; the CPU view is left as it was', () => {
    const m = machine({ device: { dmaMask: 32 } })
    const { sgt } = mapList(m, E1_RANGES)
    expect(sgt.entries().map((s) => [hex(s.phys), s.length])).toEqual(E1_RANGES.map((r) => [hex(r.phys), Number(r.len)]))
  })

  it('K-R38 the direct path never merges', () => {
    const m = machine({ iommu: 'none' })
    const { segs } = mapList(m, [
      { region: 'a', phys: A0, len: 0x1000n },
      { region: 'b', phys: A0 + 0x1000n, len: 0x1000n },
    ])
    expect(segs).toHaveLength(2)
  })

  it('K-R39 a list may mix host memory and bus addresses; bus entries stay out of the IOVA', () => {
    const m = machine({
      kernel: '6.12',
      switches: [{ name: 'sw' }],
      device: { at: 'sw', dmaMask: 32 },
      devices: [{ name: 'gpu', at: 'sw', p2pMemory: { bytes: '0x100000', bar: '0x38000000000' } }],
    })
    const { segs } = mapList(m, [
      { region: 'h1', phys: A0, len: 0x1000n },
      { region: 'v', phys: 0x380_0000_0000n, len: 0x1000n },
      { region: 'h2', phys: A0 + 0x10000n, len: 0x1000n },
    ])
    expect(segs).toEqual([
      ['0xffffe000', '0x1000'],
      ['0x38000000000', '0x1000'],
      ['0xfffff000', '0x1000'],
    ])
    expect(m.stats.total[0]).toBe(2)
  })

  it('splits regions longer than the max segment size at page boundaries (sg_alloc_table_from_pages_segment)', () => {
    const sgt = buildSgTable([{ region: 'a', phys: A0 + 0x200n, len: 0x30000n }], 0x10000)
    expect(sgt.entries().map((s) => [hex(s.phys), hex(BigInt(s.length))])).toEqual([
      [hex(A0 + 0x200n), '0xfe00'],
      [hex(A0 + 0x10000n), '0x10000'],
      [hex(A0 + 0x20000n), '0x10000'],
      [hex(A0 + 0x30000n), '0x200'],
    ])
  })
})
