/**
 * Deterministic byte patterns.
 *
 * - Untouched memory reads as a "power-on" pattern that depends only on the
 *   physical address: byte(a) = fmix32(lo32(a) ^ fmix32(hi32(a) + 0x5bd1e995)) & 0xff.
 *   swiotlb pools and coherent allocations are zeroed, as the kernel does.
 * - A write step fills byte o of its region with
 *   fmix32(seed ^ lo32(o) ^ fmix32(hi32(o))) & 0xff, seed = fmix32(step * 2 + who),
 *   who = 0 for the CPU and 1 for the device. Every step writes different
 *   bytes, so a stale copy is told apart from fresh data byte by byte
 *   (a stale byte matches by chance with probability 1/256, a stale range
 *   of n bytes with 1/256^n).
 */
export function fmix32(h: number): number {
  h ^= h >>> 16
  h = Math.imul(h, 0x85ebca6b)
  h ^= h >>> 13
  h = Math.imul(h, 0xc2b2ae35)
  h ^= h >>> 16
  return h >>> 0
}

const TWO32 = 2 ** 32

/** Power-on content of physical memory: fill buf with the bytes at [base, base + buf.length). */
export function powerOnFill(base: number, buf: Uint8Array): void {
  let hi = Math.floor(base / TWO32)
  let lo = base - hi * TWO32
  let mixHi = fmix32((hi + 0x5bd1e995) >>> 0)
  for (let i = 0; i < buf.length; i++) {
    buf[i] = fmix32((lo ^ mixHi) >>> 0) & 0xff
    lo++
    if (lo === TWO32) {
      lo = 0
      hi++
      mixHi = fmix32((hi + 0x5bd1e995) >>> 0)
    }
  }
}

export type Writer = 'cpu' | 'device'

export function writeSeed(step: number, who: Writer): number {
  return fmix32((step * 2 + (who === 'cpu' ? 0 : 1) + 0x2545f491) >>> 0)
}

/** The bytes a write step puts at region offsets [offset, offset + len). */
export function writePattern(seed: number, offset: bigint, len: number): Uint8Array {
  const out = new Uint8Array(len)
  const start = Number(offset % BigInt(TWO32))
  let hi = Number(offset / BigInt(TWO32))
  let mixHi = fmix32(hi >>> 0)
  let lo = start
  for (let i = 0; i < len; i++) {
    out[i] = fmix32((seed ^ lo ^ mixHi) >>> 0) & 0xff
    lo++
    if (lo === TWO32) {
      lo = 0
      hi++
      mixHi = fmix32(hi >>> 0)
    }
  }
  return out
}
