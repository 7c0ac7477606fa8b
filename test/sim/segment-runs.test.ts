/**
 * Runs in place of entries: a buffer cut into scatterlist entries as runs of
 * equal lengths, the hardware list folding equal contiguous segments, and
 * the device's view over runs, each held to the entry-by-entry form it
 * replaces.
 */
import { describe, expect, it } from 'vitest'
import { sgEntryRuns } from '../../src/plan/sg-entries.js'
import { formatU64 } from '../../src/plan/u64.js'
import { buildSgTable, dmaSegmentRuns, dmaSegments, formatDmaSegs, parseDmaSegs } from '../../src/sim/dma/scatterlist.js'
import { expandSegments, segmentBytes, segmentCount } from '../../src/sim/result/segments.js'
import { BufferView, segmentsOf } from '../../src/sim/strategies/strategy.js'
import type { RegionInfo } from '../../src/sim/run/regions.js'

const PAGE = 0x1000n

/** sg_alloc_table_from_pages_segment()'s cut, one entry at a time (the form sgEntryRuns() folds). */
function entryByEntry(offset: bigint, len: bigint, maxSegment: number): bigint[] {
  const sub = maxSegment < Number(PAGE)
  const max = sub ? BigInt(maxSegment) : (BigInt(maxSegment) / PAGE) * PAGE
  const out: bigint[] = []
  for (let at = offset % PAGE, left = len; left > 0n; ) {
    const room = sub ? (max < PAGE - at ? max : PAGE - at) : max - at
    const n = left < room ? left : room
    out.push(n)
    left -= n
    at = (at + n) % PAGE
  }
  return out
}

/** The device's view segment by segment: byte p is in the segment whose running length passes p. */
function locateOneByOne(starts: readonly bigint[], segs: readonly { dma: bigint; len: bigint }[], region: number, offset: bigint, len: bigint) {
  let p = (starts[region] ?? 0n) + offset
  let left = len
  const out: { dma: bigint; len: number }[] = []
  let segStart = 0n
  for (const s of segs) {
    const segEnd = segStart + s.len
    if (left > 0n && p >= segStart && p < segEnd) {
      const n = left < segEnd - p ? left : segEnd - p
      out.push({ dma: s.dma + (p - segStart), len: Number(n) })
      p += n
      left -= n
    }
    segStart = segEnd
  }
  return left > 0n ? `the hardware scatter-gather list ends ${left} bytes short of the data (its segments cover ${segStart} bytes)` : out
}

let seed = 7
const rnd = (n: number) => ((seed = (Math.imul(seed, 1103515245) + 12345) >>> 0), seed % n)

describe('runs of scatterlist entries and DMA segments', () => {
  it('sgEntryRuns() expands to the entry-by-entry cut for random offsets, lengths and maximum segments', () => {
    for (let k = 0; k < 2000; k++) {
      const offset = BigInt(rnd(0x3000))
      const len = BigInt(1 + rnd(0x40000))
      const max = [0x200, 0x800, 0x1000, 0x1800, 0x4000, 0x10000, 2 ** 31][rnd(7)] as number
      const runs = sgEntryRuns(offset, len, max)
      expect(runs.flatMap((r) => Array.from({ length: r.count }, () => r.len))).toEqual(entryByEntry(offset, len, max))
    }
  })

  it('a terabyte cut at 64 KiB is one run of 2^24 entries', () => {
    expect(sgEntryRuns(0n, 1n << 40n, 0x10000)).toEqual([{ len: 0x10000n, count: 2 ** 24 }])
    const sgt = buildSgTable([{ region: 'mr', phys: 0x1000_0000_0000n, len: 1n << 32n }], 0x10000)
    expect(sgt.origNents).toBe(65536)
    expect([sgt.phys(65535), sgt.length(65535), sgt.region(65535)]).toEqual([0x1000_ffff_0000n, 0x10000, 'mr'])
  })

  it("dmaSegmentRuns() folds the table's DMA view and formatDmaSegs()/parseDmaSegs() give it back entry by entry", () => {
    const sgt = buildSgTable(
      [
        { region: 'a', phys: 0x10_0000n, len: 0x30000n },
        { region: 'b', phys: 0x80_0000n, len: 0x8000n },
      ],
      0x10000,
    )
    const dma = [0x4000_0000n, 0x4001_0000n, 0x4002_0000n, 0x9000_0000n]
    const len = [0x10000, 0x10000, 0x10000, 0x8000]
    sgt.nents = 4
    dma.forEach((d, i) => {
      sgt.setDmaAddress(i, d)
      sgt.setDmaLength(i, len[i] as number)
    })
    expect(dmaSegmentRuns(sgt)).toEqual([
      { dma: 0x4000_0000n, len: 0x10000, bus: false, count: 3 },
      { dma: 0x9000_0000n, len: 0x8000, bus: false, count: 1 },
    ])
    const text = formatDmaSegs(dmaSegmentRuns(sgt))
    expect(text).toBe('0x40000000+0x10000*3 0x90000000+0x8000')
    expect(parseDmaSegs(text)).toEqual(dmaSegments(sgt).map((s) => [s.dma, BigInt(s.len)]))
  })

  it('segmentsOf() folds equal contiguous segments, and the result expands to one entry per segment', () => {
    for (let k = 0; k < 300; k++) {
      const list: { dma: bigint; len: bigint }[] = []
      let at = BigInt(rnd(16)) << 20n
      for (let i = 0, n = 1 + rnd(12); i < n; i++) {
        const len = [0x1000n, 0x10000n, 0x2000n][rnd(3)] as bigint
        if (rnd(3) === 0) at += 0x100000n
        list.push({ dma: at, len })
        at += len
      }
      const folded = segmentsOf(list).map((s) => ({
        dma: formatU64(s.dma),
        len: formatU64(s.len),
        entries: s.entries,
        first: s.first,
        ...(s.repeat !== undefined ? { repeat: s.repeat } : {}),
      }))
      expect(expandSegments(folded)).toEqual(list.map((s, i) => ({ dma: formatU64(s.dma), len: formatU64(s.len), entries: 1, first: i })))
      expect(segmentCount(folded)).toBe(list.length)
      expect(segmentBytes(folded)).toBe(list.reduce((n, s) => n + s.len, 0n))
      expect(expandSegments(folded, 3)).toEqual(expandSegments(folded).slice(0, 3))
    }
  })

  it("BufferView.locate() over runs reaches the same bytes as over the runs' segments one by one", () => {
    const region = (bytes: bigint): RegionInfo => ({ bytes }) as RegionInfo
    for (let k = 0; k < 300; k++) {
      const runs: { dma: bigint; len: bigint; count: number }[] = []
      for (let i = 0, n = 1 + rnd(5); i < n; i++) runs.push({ dma: BigInt(rnd(64)) << 24n, len: BigInt(rnd(4)) * 0x1000n, count: 1 + rnd(4) })
      const single = runs.flatMap((r) => Array.from({ length: r.count }, (_, j) => ({ dma: r.dma + BigInt(j) * r.len, len: r.len })))
      const total = single.reduce((n, s) => n + s.len, 0n)
      const regions = [region(total / 2n), region(total - total / 2n + BigInt(rnd(2)) * 0x800n)]
      const folded = new BufferView(regions, runs)
      const starts = [0n, (regions[0] as RegionInfo).bytes]
      for (let q = 0; q < 20; q++) {
        const r = rnd(2)
        const size = (regions[r] as RegionInfo).bytes
        const offset = BigInt(rnd(Number(size) + 1))
        const len = BigInt(rnd(0x5000))
        expect(folded.locate(r, offset, len)).toEqual(locateOneByOne(starts, single, r, offset, len))
      }
    }
  })
})
