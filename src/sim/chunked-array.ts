/**
 * A typed array of any length that stores only the chunks written with
 * something other than its fill value: the per-entry state of a terabyte
 * mirror of which a few pages were touched costs those pages' chunks.
 */
interface Store {
  [i: number]: number
  fill(v: number, start?: number, end?: number): unknown
  readonly byteLength: number
}

/** Entries per chunk (a 512-entry page-table level times 8: few chunks, little waste). */
export const CHUNK = 4096

export class ChunkedArray {
  readonly length: number
  readonly #fill: number
  readonly #make: (n: number) => Store
  readonly #chunks = new Map<number, Store>()
  #lastIndex = -1
  #last: Store | undefined

  constructor(length: number, make: (n: number) => Store, fill = 0) {
    this.length = length
    this.#make = make
    this.#fill = fill
  }

  #chunk(index: number): Store | undefined {
    if (index === this.#lastIndex) return this.#last
    const c = this.#chunks.get(index)
    if (c !== undefined) {
      this.#lastIndex = index
      this.#last = c
    }
    return c
  }

  get(i: number): number {
    const index = Math.floor(i / CHUNK)
    const c = this.#chunk(index)
    return c === undefined ? this.#fill : (c[i - index * CHUNK] as number)
  }

  set(i: number, v: number): void {
    const index = Math.floor(i / CHUNK)
    let c = this.#chunk(index)
    if (c === undefined) {
      if (v === this.#fill) return
      c = this.#make(CHUNK)
      if (this.#fill !== 0) c.fill(this.#fill)
      this.#chunks.set(index, c)
      this.#lastIndex = index
      this.#last = c
    }
    c[i - index * CHUNK] = v
  }

  /** Entries [lo, hi) take v; chunks left all fill are dropped. */
  fillRange(lo: number, hi: number, v: number): void {
    for (let i = lo; i < hi;) {
      const index = Math.floor(i / CHUNK)
      const base = index * CHUNK
      const end = Math.min(hi, base + CHUNK)
      if (v === this.#fill && i === base && end === base + CHUNK) {
        this.#chunks.delete(index)
        if (this.#lastIndex === index) this.#lastIndex = -1
      } else if (this.#chunk(index) !== undefined || v !== this.#fill) {
        this.set(i, v)
        ;(this.#chunk(index) as Store).fill(v, i - base, end - base)
      }
      i = end
    }
  }

  /** Whether entry i's chunk is stored (if not, every entry of it holds the fill value). */
  stored(i: number): boolean {
    return this.#chunk(Math.floor(i / CHUNK)) !== undefined
  }

  get bytes(): number {
    let n = 0
    for (const c of this.#chunks.values()) n += c.byteLength
    return n
  }
}

/** The first index after i, in the direction step (+1 or -1), that starts or ends another chunk. */
export function chunkEdge(i: number, step: 1 | -1): number {
  const index = Math.floor(i / CHUNK)
  return step > 0 ? (index + 1) * CHUNK : index * CHUNK - 1
}
