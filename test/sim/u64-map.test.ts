import { describe, expect, it } from 'vitest'
import { U64Map } from '../../src/sim/u64-map.js'

describe('U64Map', () => {
  it('agrees with a Map over random 64-bit keys through inserts, updates and deletes', () => {
    const m = new U64Map()
    const ref = new Map<bigint, number>()
    let seed = 12345
    const rnd = () => ((seed = (Math.imul(seed, 1103515245) + 12345) >>> 0), seed)
    // Keys share their low bits often (page-aligned addresses), as dma-debug's do.
    const key = () => (BigInt(rnd() % 64) << 32n) | (BigInt(rnd() % 4096) << 12n) | BigInt(rnd() % 3 === 0 ? 0 : rnd() % 4096)
    for (let step = 0; step < 200_000; step++) {
      const k = step % 7 === 0 ? (0xffff_ffff_ffff_f000n - BigInt(rnd() % 16) * 0x1000n) : key()
      const op = rnd() % 3
      if (op === 0) {
        m.delete(k)
        ref.delete(k)
      } else {
        const v = rnd() % 1000
        m.set(k, v)
        ref.set(k, v)
      }
      if (step % 997 === 0) for (const [rk, rv] of ref) expect(m.get(rk)).toBe(rv)
      expect(m.get(k)).toBe(ref.get(k) ?? -1)
      expect(m.size).toBe(ref.size)
    }
  })
})
