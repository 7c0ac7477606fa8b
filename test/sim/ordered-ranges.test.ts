/**
 * The IOVA domain's ordered ranges against a plain sorted array: any sequence
 * of inserts and removes gives the same order, neighbours, lookups and
 * first-reaching answers, across block splits and emptied blocks.
 */
import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { OrderedRanges } from '../../src/sim/iommu/ordered-ranges.js'
import type { Range } from '../../src/sim/iommu/ordered-ranges.js'

/** Ranges [2k, 2k + 1] by slot k: disjoint whatever the slots chosen. */
const slot = (k: number): Range => ({ lo: 2 * k, hi: 2 * k + 1 })

describe('OrderedRanges', () => {
  it('answers as a sorted array does, over random inserts and removes', () => {
    fc.assert(
      fc.property(fc.array(fc.tuple(fc.boolean(), fc.integer({ min: 0, max: 1500 })), { minLength: 1, maxLength: 3000 }), fc.integer({ min: 0, max: 3003 }), (ops, probe) => {
        const set = new OrderedRanges<Range>()
        const naive: Range[] = []
        for (const [add, k] of ops) {
          const at = naive.findIndex((r) => r.lo === 2 * k)
          if (add && at < 0) {
            const r = slot(k)
            set.insert(r)
            naive.splice(naive.findIndex((x) => x.lo > r.lo) === -1 ? naive.length : naive.findIndex((x) => x.lo > r.lo), 0, r)
          } else if (!add && at >= 0) {
            expect(set.remove(naive[at] as Range)).toBe(true)
            naive.splice(at, 1)
          }
        }
        expect([...set]).toEqual(naive)
        expect(set.size).toBe(naive.length)
        naive.forEach((r, i) => {
          expect(set.prev(r)).toBe(naive[i - 1])
          expect(set.next(r)).toBe(naive[i + 1])
        })
        expect(set.find(probe)).toBe(naive.find((r) => r.lo <= probe && probe <= r.hi))
        expect(set.firstReaching(probe)).toBe(naive.find((r) => r.hi >= probe))
        // A range that is not in the set has no neighbours and is not removed.
        expect(set.remove({ lo: -2, hi: -1 })).toBe(false)
      }),
      { numRuns: 60 },
    )
  })

  it('keeps 100,000 ranges allocated top-down and freed first-in first-out in order', () => {
    const set = new OrderedRanges<Range>()
    const n = 100_000
    const all = Array.from({ length: n }, (_, i) => slot(n - i))
    for (const r of all) set.insert(r)
    expect(set.find(2 * 777)).toBe(all[n - 777])
    for (const r of all.slice(0, n / 2)) set.remove(r)
    expect([...set]).toEqual(all.slice(n / 2).reverse())
  })
})
