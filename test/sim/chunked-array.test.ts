/**
 * HMM's per-entry state is stored in chunks that exist once written
 * (ChunkedArray); it must read as a plain array does, across chunk edges,
 * and drop the chunks a range fill leaves all fill.
 */
import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { CHUNK, ChunkedArray } from '../../src/sim/chunked-array.js'

const SIZE = 3 * CHUNK + 17
const index = fc.integer({ min: 0, max: SIZE - 1 })

describe('ChunkedArray', () => {
  it('reads as a plain array does, over sets and range fills', () => {
    fc.assert(
      fc.property(
        fc.constantFrom(0, 0xffff_ffff),
        fc.array(fc.tuple(fc.boolean(), index, index, fc.integer({ min: 0, max: 3 })), { maxLength: 30 }),
        (fill, ops) => {
          const a = new ChunkedArray(SIZE, (n) => new Uint32Array(n), fill)
          const ref = new Uint32Array(SIZE).fill(fill)
          for (const [one, i, j, v0] of ops) {
            const v = v0 === 3 ? fill : v0
            if (one) {
              a.set(i, v)
              ref[i] = v
            } else {
              const [lo, hi] = i < j ? [i, j] : [j, i]
              a.fillRange(lo, hi, v)
              ref.fill(v, lo, hi)
            }
          }
          for (let i = 0; i < SIZE; i += 7) expect(a.get(i)).toBe(ref[i])
          for (let c = 0; c * CHUNK < SIZE; c++) if (!a.stored(c * CHUNK)) expect(ref.subarray(c * CHUNK, (c + 1) * CHUNK).every((x) => x === fill)).toBe(true)
        },
      ),
      { numRuns: 200 },
    )
  })

  it('drops a chunk a range fill covers with the fill value', () => {
    const a = new ChunkedArray(4 * CHUNK, (n) => new Uint8Array(n))
    a.fillRange(10, 3 * CHUNK, 1)
    expect(a.bytes).toBe(3 * CHUNK)
    a.fillRange(CHUNK, 2 * CHUNK, 0)
    expect(a.bytes).toBe(2 * CHUNK)
    expect(a.stored(CHUNK + 5)).toBe(false)
  })
})
