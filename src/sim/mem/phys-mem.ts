/**
 * Physical memory with contents: RAM and the P2P BARs the plan's devices
 * expose. Sparse (see SparseBytes); untouched bytes read as the power-on
 * pattern, except ranges the kernel zeroes (swiotlb pool, coherent
 * allocations), which read as zero without being materialised.
 */
import { powerOnFill } from './pattern.js'
import { PAGE_SIZE, PAGE_SIZE_N } from '../consts.js'
import { SparseBytes } from './sparse-bytes.js'

export interface PhysRange {
  readonly start: bigint
  /** Exclusive. */
  readonly end: bigint
}

export class PhysMem {
  readonly #bytes: SparseBytes
  readonly #zero: PhysRange[] = []
  readonly #backed: PhysRange[]

  constructor(backed: readonly PhysRange[]) {
    this.#backed = [...backed]
    this.#bytes = new SparseBytes((index, page) => {
      const base = BigInt(index) * PAGE_SIZE_N
      if (this.#zero.some((z) => base >= z.start && base + PAGE_SIZE_N <= z.end)) return
      powerOnFill(index * PAGE_SIZE, page)
      for (const z of this.#zero) {
        if (z.start < base + PAGE_SIZE_N && base < z.end) {
          const from = z.start > base ? Number(z.start - base) : 0
          const to = z.end < base + PAGE_SIZE_N ? Number(z.end - base) : PAGE_SIZE
          page.fill(0, from, to)
        }
      }
    })
  }

  /** Pages that exist (the contents the plan has touched). */
  get pageCount(): number {
    return this.#bytes.pageCount
  }

  /** Whether an address is backed by RAM or a BAR (else a bus master abort: reads all-ones). */
  backed(addr: bigint, len: bigint): boolean {
    return this.#backed.some((r) => addr >= r.start && addr + len <= r.end)
  }

  read(addr: bigint, len: number): Uint8Array {
    return this.#bytes.read(addr, len)
  }

  write(addr: bigint, data: Uint8Array): void {
    this.#bytes.write(addr, data)
  }

  /** memset(0) over a range of any size without materialising untouched pages. */
  zero(addr: bigint, len: bigint): void {
    this.#zero.push({ start: addr, end: addr + len })
    this.#bytes.fillExisting(addr, len, 0)
  }
}
