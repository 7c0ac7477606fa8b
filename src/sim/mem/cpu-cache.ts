/**
 * The CPU data cache as a non-coherent device sees it (arm64-style
 * write-back cache with 64-byte lines). Only in effect when the plan's
 * device is not DMA-coherent; a coherent device snoops, so the CPU then
 * reads and writes memory directly.
 *
 * arch_sync_dma_for_device() cleans (writes back dirty lines);
 * arch_sync_dma_for_cpu() invalidates for FROM_DEVICE/BIDIRECTIONAL (lines
 * only partly inside the range are cleaned first, so neighbours survive).
 *
 * Pessimistic speculation: a CPU may pull any line into its cache at any
 * time. The model makes that observable: when a non-coherent device writes
 * a line the cache does not hold, the cache keeps the old contents as a
 * clean line, as if the CPU had prefetched it. Only an invalidation after
 * the device write (a sync for the CPU, or the unmap) makes the new data
 * visible to the CPU, which is exactly the rule drivers must follow.
 */
import { CACHE_LINE_SIZE as LINE } from '../consts.js'
import type { PhysMem } from './phys-mem.js'

const LINE_N = BigInt(LINE)

interface Line {
  readonly data: Uint8Array
  dirty: boolean
}

export class CpuCache {
  readonly #lines = new Map<bigint, Line>()
  readonly #mem: PhysMem
  /** Ranges mapped uncached (dma_alloc_coherent on a non-coherent device): no lines. */
  readonly #uncached: { start: bigint; end: bigint }[] = []

  constructor(mem: PhysMem) {
    this.#mem = mem
  }

  get lineCount(): number {
    return this.#lines.size
  }

  markUncached(start: bigint, len: bigint): void {
    this.#uncached.push({ start, end: start + len })
    this.clean(start, len)
    this.#drop(start, len)
  }

  #isUncached(addr: bigint): boolean {
    return this.#uncached.some((u) => addr >= u.start && addr < u.end)
  }

  #line(index: bigint): Line {
    let l = this.#lines.get(index)
    if (l === undefined) {
      l = { data: this.#mem.read(index * LINE_N, LINE), dirty: false }
      this.#lines.set(index, l)
    }
    return l
  }

  cpuRead(addr: bigint, len: number): Uint8Array {
    if (this.#isUncached(addr)) return this.#mem.read(addr, len)
    const out = new Uint8Array(len)
    this.#walk(addr, len, (index, off, pos, n) => out.set(this.#line(index).data.subarray(off, off + n), pos))
    return out
  }

  cpuWrite(addr: bigint, data: Uint8Array): void {
    if (this.#isUncached(addr)) return this.#mem.write(addr, data)
    this.#walk(addr, data.length, (index, off, pos, n) => {
      const l = this.#line(index)
      l.data.set(data.subarray(pos, pos + n), off)
      l.dirty = true
    })
  }

  /** A non-coherent device wrote memory: lines it does not hold keep the old data (speculation). */
  deviceWrote(addr: bigint, old: Uint8Array): void {
    if (this.#isUncached(addr)) return
    this.#walk(addr, old.length, (index, off, pos, n) => {
      if (this.#lines.has(index)) return
      // The whole line as it was before the write: old bytes inside the write, memory outside it.
      const data = this.#mem.read(index * LINE_N, LINE)
      data.set(old.subarray(pos, pos + n), off)
      this.#lines.set(index, { data, dirty: false })
    })
  }

  /** Write back dirty lines overlapping [addr, addr + len). */
  clean(addr: bigint, len: bigint): void {
    if (len <= 0n) return
    const first = addr / LINE_N
    const last = (addr + len - 1n) / LINE_N
    for (const [index, l] of this.#lines) {
      if (index < first || index > last || !l.dirty) continue
      this.#mem.write(index * LINE_N, l.data)
      l.dirty = false
    }
  }

  /** Invalidate [addr, addr + len); partial lines at the edges are cleaned first. */
  invalidate(addr: bigint, len: bigint): void {
    if (len <= 0n) return
    const end = addr + len
    if (addr % LINE_N !== 0n) this.clean(addr, 1n)
    if (end % LINE_N !== 0n) this.clean(end - 1n, 1n)
    this.#drop(addr, len)
  }

  #drop(addr: bigint, len: bigint): void {
    const first = addr / LINE_N
    const last = (addr + len - 1n) / LINE_N
    for (const index of [...this.#lines.keys()]) if (index >= first && index <= last) this.#lines.delete(index)
  }

  #walk(addr: bigint, len: number, fn: (index: bigint, off: number, pos: number, n: number) => void): void {
    let index = addr / LINE_N
    let off = Number(addr % LINE_N)
    let pos = 0
    while (pos < len) {
      const n = Math.min(LINE - off, len - pos)
      fn(index, off, pos, n)
      pos += n
      index++
      off = 0
    }
  }
}
