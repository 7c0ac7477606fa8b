/**
 * Arithmetic on addresses and sizes. Kernel quantities are 64-bit: bigint at
 * the API boundary, and page frame numbers as plain numbers inside hot loops
 * (a pfn of a 64-bit address fits in 52 bits, so a double holds it exactly).
 */
import { U64_MAX } from './consts.js'

export const hex = (v: bigint | number): string => `0x${v.toString(16)}`

export const DMA_BIT_MASK = (n: number): bigint => (n >= 64 ? U64_MAX : (1n << BigInt(n)) - 1n)

export const alignUp = (v: bigint, a: bigint): bigint => ((v + a - 1n) / a) * a
export const alignDown = (v: bigint, a: bigint): bigint => (v / a) * a
export const minNotZero = (a: bigint, b: bigint): bigint => (a === 0n ? b : b === 0n ? a : a < b ? a : b)
export const min = (a: bigint, b: bigint): bigint => (a < b ? a : b)
export const max = (a: bigint, b: bigint): bigint => (a > b ? a : b)

/** fls_long(): 1-based index of the highest set bit, 0 for 0 (numbers below 2^53). */
export function fls(x: number): number {
  if (x <= 0) return 0
  let n = 0
  while (x >= 2 ** 32) {
    x = Math.floor(x / 2 ** 32)
    n += 32
  }
  return n + (32 - Math.clz32(x))
}

/** roundup_pow_of_two(). */
export const roundupPowOfTwo = (x: number): number => (x <= 1 ? 1 : 2 ** fls(x - 1))
/** order_base_2(): ceil(log2(x)). */
export const orderBase2 = (x: number): number => (x <= 1 ? 0 : fls(x - 1))
export const isPowerOfTwo = (x: number): boolean => x > 0 && 2 ** Math.round(Math.log2(x)) === x

/** bits_per(): bits needed to represent x (at least 1). */
export function bitsPerU64(x: bigint): number {
  let n = 0
  while (x > 0n) {
    x >>= 1n
    n++
  }
  return Math.max(n, 1)
}

/** Align a non-negative number down to a power-of-two multiple (no 32-bit bitwise ops). */
export const alignDownNum = (v: number, a: number): number => Math.floor(v / a) * a
export const alignUpNum = (v: number, a: number): number => Math.ceil(v / a) * a

/** Ranges [start, end) overlap. */
export const overlaps = (aStart: bigint, aEnd: bigint, bStart: bigint, bEnd: bigint): boolean => aStart < bEnd && bStart < aEnd
