import { describe, expect, it } from 'vitest'
import { formatU64, parseU64, U64_MAX } from '../../src/plan/u64.js'

describe('64-bit JSON encoding', () => {
  it('round-trips values past 2^53 exactly', () => {
    for (const v of [0n, 1n, (1n << 53n) + 1n, 0xfffff000_00000000n, U64_MAX]) expect(parseU64(formatU64(v))).toBe(v)
  })
  it('accepts decimal strings and safe integers', () => {
    expect(parseU64('4096')).toBe(4096n)
    expect(parseU64(4096)).toBe(4096n)
  })
  it('refuses what cannot be exact or unsigned, with a sentence', () => {
    expect(parseU64(2 ** 60)).toBe('1152921504606847000 is past 2^53 and cannot be exact as a JSON number; write it as a hex string such as "0x1000000000000000"')
    expect(parseU64(-1)).toBe('-1 is negative; addresses and sizes are unsigned')
    expect(parseU64('0x10000000000000000')).toBe('0x10000000000000000 is past 2^64-1')
    expect(parseU64('18446744073709551616')).toBe('0x10000000000000000 is past 2^64-1')
    expect(parseU64(1.5)).toBe('1.5 is not a whole number')
    expect(parseU64('zz')).toBe('"zz" is not a 64-bit value; write a hex string such as "0x1000"')
  })
})
