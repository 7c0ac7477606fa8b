/**
 * A map from 64-bit keys to small non-negative integers in typed arrays
 * (open addressing, linear probing, backward-shift deletion): dma-debug's
 * index of sixteen million entries, where a Map of bigints would pass V8's
 * 2^24-entry limit and take tens of bytes per key on the heap.
 */
const EMPTY = -1
const MIN_CAPACITY = 16
/** A key's two halves without bigint arithmetic: written as a u64, read as two u32 (little- or big-endian alike, both halves are used). */
const KEY = new BigUint64Array(1)
const HALVES = new Uint32Array(KEY.buffer)

export class U64Map {
  #lo = new Uint32Array(MIN_CAPACITY)
  #hi = new Uint32Array(MIN_CAPACITY)
  #val = new Int32Array(MIN_CAPACITY).fill(EMPTY)
  #size = 0

  get size(): number {
    return this.#size
  }

  static #slot(lo: number, hi: number, mask: number): number {
    // MurmurHash3's finaliser over both halves: page-aligned addresses have their low bits all zero.
    let h = lo ^ Math.imul(hi, 0x9e3779b1)
    h = Math.imul(h ^ (h >>> 16), 0x85ebca6b)
    h = Math.imul(h ^ (h >>> 13), 0xc2b2ae35)
    return (h ^ (h >>> 16)) & mask
  }

  #find(lo: number, hi: number): number {
    const mask = this.#val.length - 1
    for (let i = U64Map.#slot(lo, hi, mask); ; i = (i + 1) & mask) {
      if (this.#val[i] === EMPTY) return -1 - i
      if (this.#lo[i] === lo && this.#hi[i] === hi) return i
    }
  }

  /** The value of `key`, or -1. */
  get(key: bigint): number {
    KEY[0] = key
    const i = this.#find(HALVES[0] as number, HALVES[1] as number)
    return i < 0 ? -1 : (this.#val[i] as number)
  }

  set(key: bigint, value: number): void {
    KEY[0] = key
    const lo = HALVES[0] as number
    const hi = HALVES[1] as number
    const i = this.#find(lo, hi)
    if (i >= 0) {
      this.#val[i] = value
      return
    }
    const at = -1 - i
    this.#lo[at] = lo
    this.#hi[at] = hi
    this.#val[at] = value
    if (++this.#size * 2 > this.#val.length) this.#grow()
  }

  delete(key: bigint): void {
    KEY[0] = key
    let i = this.#find(HALVES[0] as number, HALVES[1] as number)
    if (i < 0) return
    this.#size--
    const mask = this.#val.length - 1
    // Backward shift: move later members of the probe run into the hole when their home allows it.
    for (let j = (i + 1) & mask; this.#val[j] !== EMPTY; j = (j + 1) & mask) {
      const home = U64Map.#slot(this.#lo[j] as number, this.#hi[j] as number, mask)
      if (((j - home) & mask) >= ((j - i) & mask)) {
        this.#lo[i] = this.#lo[j] as number
        this.#hi[i] = this.#hi[j] as number
        this.#val[i] = this.#val[j] as number
        i = j
      }
    }
    this.#val[i] = EMPTY
  }

  #grow(): void {
    const lo = this.#lo
    const hi = this.#hi
    const val = this.#val
    const n = val.length * 2
    this.#lo = new Uint32Array(n)
    this.#hi = new Uint32Array(n)
    this.#val = new Int32Array(n).fill(EMPTY)
    const mask = n - 1
    for (let k = 0; k < val.length; k++) {
      if (val[k] === EMPTY) continue
      let i = U64Map.#slot(lo[k] as number, hi[k] as number, mask)
      while (this.#val[i] !== EMPTY) i = (i + 1) & mask
      this.#lo[i] = lo[k] as number
      this.#hi[i] = hi[k] as number
      this.#val[i] = val[k] as number
    }
  }
}
