import { PAGE_SIZE as PAGE } from '../consts.js'

/**
 * A sparse byte store of 4 KiB pages: a page exists only once something
 * reads or writes it, and is born with the content its init function gives
 * (so a 4 GiB mapping that nothing touches costs nothing here).
 */

export type PageInit = (pageIndex: number, page: Uint8Array) => void

export class SparseBytes {
  readonly #pages = new Map<number, Uint8Array>()
  readonly #init: PageInit

  constructor(init: PageInit) {
    this.#init = init
  }

  get pageCount(): number {
    return this.#pages.size
  }

  #page(index: number): Uint8Array {
    let p = this.#pages.get(index)
    if (p === undefined) {
      p = new Uint8Array(PAGE)
      this.#init(index, p)
      this.#pages.set(index, p)
    }
    return p
  }

  read(addr: bigint, len: number): Uint8Array {
    const out = new Uint8Array(len)
    this.#walk(addr, len, (page, off, pos, n) => out.set(page.subarray(off, off + n), pos))
    return out
  }

  write(addr: bigint, data: Uint8Array): void {
    this.#walk(addr, data.length, (page, off, pos, n) => page.set(data.subarray(pos, pos + n), off))
  }

  fill(addr: bigint, len: number, byte: number): void {
    this.#walk(addr, len, (page, off, _pos, n) => page.fill(byte, off, off + n))
  }

  /** Fill only pages that already exist (for zeroing huge ranges without materialising them). */
  fillExisting(addr: bigint, len: bigint, byte: number): void {
    const first = Number(addr / BigInt(PAGE))
    const last = Number((addr + len - 1n) / BigInt(PAGE))
    for (const [index, page] of this.#pages) {
      if (index < first || index > last) continue
      const base = BigInt(index) * BigInt(PAGE)
      const from = base < addr ? Number(addr - base) : 0
      const end = base + BigInt(PAGE) > addr + len ? Number(addr + len - base) : PAGE
      page.fill(byte, from, end)
    }
  }

  #walk(addr: bigint, len: number, fn: (page: Uint8Array, off: number, pos: number, n: number) => void): void {
    let index = Number(addr / BigInt(PAGE))
    let off = Number(addr % BigInt(PAGE))
    let pos = 0
    while (pos < len) {
      const n = Math.min(PAGE - off, len - pos)
      fn(this.#page(index), off, pos, n)
      pos += n
      index++
      off = 0
    }
  }
}
