/**
 * The IOMMU page table keeps runs of entries as extents; what it answers
 * must be what a table of one entry per granule answers. A plain per-granule
 * table (a Map) is the reference: any sequence of maps (contiguous or from a
 * granule at a time, synced or pending), unmaps (strict or leaving stale IOTLB
 * entries), syncs and flushes gives the same translations, first present
 * entries, counts of live entries and cleared entries.
 */
import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { IoPageTable, PTE_PRESENT, PTE_PROT_MASK, PTE_STALE } from '../../src/sim/iommu/io-pgtable.js'
import type { Translation } from '../../src/sim/iommu/io-pgtable.js'

/** One entry per granule: frame, bits and whether it waits for a sync. */
class PerGranuleTable {
  readonly entries = new Map<number, { phys: number; flags: number; pending: boolean }>()
  present = 0

  firstPresent(pfn: number, n: number): number {
    for (let i = pfn; i < pfn + n; i++) if (((this.entries.get(i)?.flags ?? 0) & PTE_PRESENT) !== 0) return i
    return -1
  }

  map(pfn: number, frames: readonly number[], prot: number, pending: boolean): void {
    frames.forEach((phys, i) => this.entries.set(pfn + i, { phys, flags: (prot & PTE_PROT_MASK) | PTE_PRESENT, pending }))
    this.present += frames.length
  }

  unmap(pfn: number, n: number, stale: boolean): number {
    let cleared = 0
    for (let i = pfn; i < pfn + n; i++) {
      const e = this.entries.get(i)
      if (e === undefined || !(e.flags & PTE_PRESENT)) continue
      cleared++
      if (stale) this.entries.set(i, { phys: e.phys, flags: (e.flags & PTE_PROT_MASK) | PTE_STALE, pending: false })
      else this.entries.delete(i)
    }
    for (let i = pfn; i < pfn + n; i++) {
      const e = this.entries.get(i)
      if (e) e.pending = false
    }
    this.present -= cleared
    return cleared
  }

  sync(pfn: number, n: number): void {
    for (let i = pfn; i < pfn + n; i++) {
      const e = this.entries.get(i)
      if (e) e.pending = false
    }
  }

  flushAll(): void {
    for (const [pfn, e] of this.entries) if (e.flags & PTE_STALE) this.entries.delete(pfn)
  }

  translate(pfn: number): Translation | undefined {
    const e = this.entries.get(pfn)
    if (e === undefined) return undefined
    return { physPfn: e.phys, prot: e.flags & PTE_PROT_MASK, stale: (e.flags & PTE_STALE) !== 0, pending: (e.flags & PTE_PRESENT) !== 0 && e.pending }
  }
}

const SPACE = 96

type Op =
  | { op: 'map'; pfn: number; n: number; phys: number; prot: number; pending: boolean }
  | { op: 'map-array'; pfn: number; frames: number[]; prot: number }
  | { op: 'unmap'; pfn: number; n: number; stale: boolean }
  | { op: 'sync'; pfn: number; n: number }
  | { op: 'flush' }

const pfn = fc.integer({ min: 0, max: SPACE - 1 })
const len = fc.integer({ min: 1, max: 24 })
const prot = fc.integer({ min: 1, max: 3 })
const op: fc.Arbitrary<Op> = fc.oneof(
  fc.record({ op: fc.constant('map' as const), pfn, n: len, phys: fc.integer({ min: 0, max: 200 }), prot, pending: fc.boolean() }),
  // Frames that are partly consecutive, partly not: the table folds only the consecutive ones.
  fc.record({ op: fc.constant('map-array' as const), pfn, frames: fc.array(fc.integer({ min: 0, max: 6 }), { minLength: 1, maxLength: 16 }), prot }).map((o) => ({
    ...o,
    frames: o.frames.map((d, i) => 1000 + i + (d === 0 ? 50 * i : 0)),
  })),
  fc.record({ op: fc.constant('unmap' as const), pfn, n: len, stale: fc.boolean() }),
  fc.record({ op: fc.constant('sync' as const), pfn, n: len }),
  fc.constant({ op: 'flush' as const }),
)

describe('IoPageTable', () => {
  it('answers as a table of one entry per granule does', () => {
    fc.assert(
      fc.property(fc.array(op, { minLength: 1, maxLength: 60 }), (ops) => {
        const table = new IoPageTable()
        const ref = new PerGranuleTable()
        for (const o of ops) {
          if (o.op === 'map' || o.op === 'map-array') {
            const n = o.op === 'map' ? o.n : o.frames.length
            // The domain maps only where nothing is present (it refuses or maps around otherwise).
            if (ref.firstPresent(o.pfn, n) >= 0) {
              expect(table.firstPresent(o.pfn, n)).toBe(ref.firstPresent(o.pfn, n))
              continue
            }
            if (o.op === 'map') {
              table.map(o.pfn, o.phys, o.n, o.prot, o.pending)
              ref.map(
                o.pfn,
                Array.from({ length: o.n }, (_, i) => o.phys + i),
                o.prot,
                o.pending,
              )
            } else {
              // One granule per call, as HMM links its pages.
              o.frames.forEach((frame, i) => table.map(o.pfn + i, frame, 1, o.prot, false))
              ref.map(o.pfn, o.frames, o.prot, false)
            }
          } else if (o.op === 'unmap') expect(table.unmap(o.pfn, o.n, o.stale)).toBe(ref.unmap(o.pfn, o.n, o.stale))
          else if (o.op === 'sync') {
            table.syncMap(o.pfn, o.n)
            ref.sync(o.pfn, o.n)
          } else {
            table.flushAll()
            ref.flushAll()
          }
          expect(table.present).toBe(ref.present)
        }
        for (let p = 0; p < SPACE + 24; p++) {
          expect(table.translate(p)).toEqual(ref.translate(p))
          expect(table.firstPresent(p, 5)).toBe(ref.firstPresent(p, 5))
        }
      }),
      { numRuns: 400 },
    )
  })

  it('keeps a mapping of 2^28 granules in one piece as one extent', () => {
    const table = new IoPageTable()
    table.map(1, 1 << 20, 2 ** 28, 3, true)
    table.syncMap(1, 2 ** 28)
    expect(table.extents).toBe(1)
    expect(table.translate(2 ** 28)).toEqual({ physPfn: (1 << 20) + 2 ** 28 - 1, prot: 3, stale: false, pending: false })
    // Linked granule by granule, consecutive frames still fold into one extent.
    for (let i = 0; i < 1000; i++) table.map(2 ** 29 + i, 7 + i, 1, 3, false)
    expect(table.extents).toBe(2)
    expect(table.unmap(1, 2 ** 28, true)).toBe(2 ** 28)
    expect(table.translate(5)?.stale).toBe(true)
    table.flushAll()
    expect(table.translate(5)).toBeUndefined()
    expect(table.extents).toBe(1)
  })
})
