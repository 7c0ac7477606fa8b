/**
 * The IOVA-API tracker keeps a state's granules as runs (RunMap); it must
 * answer as one byte per granule does, over any sequence of changes.
 */
import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { RunMap } from '../../src/sim/run-map.js'

const SIZE = 64
const span = fc.tuple(fc.integer({ min: 0, max: SIZE }), fc.integer({ min: 0, max: SIZE })).map(([a, b]) => [Math.min(a, b), Math.max(a, b)] as const)

describe('RunMap', () => {
  it('answers as an array of one value per index does', () => {
    fc.assert(
      fc.property(fc.array(fc.tuple(fc.integer({ min: 0, max: 3 }), span, fc.integer({ min: 0, max: 2 })), { maxLength: 40 }), span, (ops, [plo, phi]) => {
        const map = new RunMap(SIZE)
        const ref = new Uint8Array(SIZE)
        for (const [kind, [lo, hi], v] of ops) {
          if (kind === 0) {
            map.assign(lo, hi, v)
            ref.fill(v, lo, hi)
          } else if (kind === 1) {
            map.update(lo, hi, (x) => (x ? 2 : 0))
            for (let i = lo; i < hi; i++) ref[i] = ref[i] ? 2 : 0
          } else {
            // What the tracker does on a refused link: change a span, then put it back.
            const restore = map.saved(lo, hi)
            map.assign(lo, hi, v)
            if (kind === 3) restore()
            else ref.fill(v, lo, hi)
          }
        }
        expect(Array.from({ length: SIZE }, (_, i) => map.get(i))).toEqual([...ref])
        const arr = [...ref.subarray(plo, phi)]
        const firstLinked = arr.findIndex((x) => x !== 0)
        expect(map.find(plo, phi, (x) => x !== 0)).toBe(firstLinked < 0 ? -1 : plo + firstLinked)
        expect(map.count(plo, phi, (x) => x === 2)).toBe(arr.filter((x) => x === 2).length)
        // Equal neighbours are folded: never more runs than changes of value.
        let changes = 1
        for (let i = 1; i < SIZE; i++) if (ref[i] !== ref[i - 1]) changes++
        expect(map.runs).toBe(changes)
      }),
      { numRuns: 500 },
    )
  })
})
