/**
 * An IOMMU page table at granule granularity, with the IOTLB behaviour the
 * device can observe:
 *
 * - a leaf entry holds the physical frame and the protection bits
 *   (IOMMU_READ/WRITE/CACHE/MMIO/PRIV);
 * - entries mapped without a sync (iommu_map_nosync, dma_iova_link) are
 *   pending: the device cannot use them until iommu_sync_map() (K-R30);
 * - entries cleared without an IOTLB sync (lazy unmap, K-R24) stay usable as
 *   stale translations until flush_iotlb_all().
 *
 * Storage is two typed arrays per 512-entry table (like one level of a real
 * page table): 8 bytes of frame number and 1 byte of flags per granule, so
 * a mapped page costs 9 bytes and linking is a tight loop.
 */
const CHUNK = 4096

export const PTE_PRESENT = 1 << 6
export const PTE_STALE = 1 << 7
export const PTE_PROT_MASK = 0x3f

interface Chunk {
  readonly phys: Float64Array
  readonly flags: Uint8Array
  used: number
}

export interface Translation {
  readonly physPfn: number
  readonly prot: number
  /** Cleared from the page table but still in the IOTLB (lazy unmap not yet flushed). */
  readonly stale: boolean
  /** Mapped but not yet synced (dma_iova_link without dma_iova_sync). */
  readonly pending: boolean
}

export class IoPageTable {
  readonly #chunks = new Map<number, Chunk>()
  #lastIndex = -1
  #last: Chunk | undefined
  /** The most recent range mapped without a sync, in scalars (the per-page link/sync path). */
  #pStart = 0
  #pEnd = 0
  /** Further [start, end) pfn ranges mapped without a sync yet. */
  #pending: number[] = []
  /** [start, end) pfn ranges holding stale entries until the next full flush. */
  #stale: number[] = []
  present = 0
  writes = 0

  #chunk(index: number, create: boolean): Chunk | undefined {
    if (index === this.#lastIndex) return this.#last
    let c = this.#chunks.get(index)
    if (c === undefined) {
      if (!create) return undefined
      c = { phys: new Float64Array(CHUNK), flags: new Uint8Array(CHUNK), used: 0 }
      this.#chunks.set(index, c)
    }
    this.#lastIndex = index
    this.#last = c
    return c
  }

  /** First pfn in [iovaPfn, iovaPfn + n) that holds a live entry, or -1. */
  firstPresent(iovaPfn: number, n: number): number {
    for (let i = 0; i < n;) {
      const pfn = iovaPfn + i
      const index = Math.floor(pfn / CHUNK)
      const c = this.#chunk(index, false)
      const slot = pfn - index * CHUNK
      const span = Math.min(CHUNK - slot, n - i)
      if (c !== undefined && c.used > 0) for (let s = 0; s < span; s++) if ((c.flags[slot + s] as number) & PTE_PRESENT) return pfn + s
      i += span
    }
    return -1
  }

  /** Write n entries mapping iovaPfn.. to physPfn.. (the caller checked that none is present). */
  map(iovaPfn: number, physPfn: number, n: number, prot: number, pending: boolean): void {
    this.#write(iovaPfn, n, prot, physPfn, undefined, 0)
    if (pending) this.#addPending(iovaPfn, iovaPfn + n)
  }

  /** Like map(), with the physical frames taken from pfns[from .. from + n) (not necessarily contiguous). */
  mapArray(iovaPfn: number, pfns: Float64Array, from: number, n: number, prot: number): void {
    this.#write(iovaPfn, n, prot, 0, pfns, from)
  }

  /** The entries of map() and mapArray(): frame physPfn + i, or pfns[from + i] when given. */
  #write(iovaPfn: number, n: number, prot: number, physPfn: number, pfns: Float64Array | undefined, from: number): void {
    const flags = (prot & PTE_PROT_MASK) | PTE_PRESENT
    for (let i = 0; i < n;) {
      const pfn = iovaPfn + i
      const index = Math.floor(pfn / CHUNK)
      const c = this.#chunk(index, true) as Chunk
      let slot = pfn - index * CHUNK
      const end = Math.min(CHUNK, slot + (n - i))
      const count = end - slot
      const phys = c.phys
      const fl = c.flags
      for (let k = i; slot < end; slot++, k++) {
        if ((fl[slot] as number) & PTE_STALE) c.used--
        phys[slot] = pfns === undefined ? physPfn + k : (pfns[from + k] as number)
        fl[slot] = flags
      }
      c.used += count
      i += count
    }
    this.present += n
    this.writes += n
  }

  #addPending(start: number, end: number): void {
    if (this.#pStart === this.#pEnd) {
      this.#pStart = start
      this.#pEnd = end
    } else if (this.#pEnd === start) this.#pEnd = end
    else this.#addRange(this.#pending, start, end)
  }

  #removePending(start: number, end: number): void {
    const s = this.#pStart
    const e = this.#pEnd
    if (s !== e && start < e && end > s) {
      if (start <= s && end >= e) this.#pStart = this.#pEnd = 0
      else if (start <= s) this.#pStart = end
      else if (end >= e) this.#pEnd = start
      else {
        this.#pEnd = start
        this.#addRange(this.#pending, end, e)
      }
    }
    if (this.#pending.length > 0) this.#removeRange(this.#pending, start, end)
  }

  #isPending(pfn: number): boolean {
    return (pfn >= this.#pStart && pfn < this.#pEnd) || inRanges(this.#pending, pfn)
  }

  /**
   * Clear n entries from iovaPfn; returns how many were present. With
   * `stale` the IOTLB keeps the old translations until flushAll().
   */
  unmap(iovaPfn: number, n: number, stale: boolean): number {
    let cleared = 0
    for (let i = 0; i < n;) {
      const pfn = iovaPfn + i
      const index = Math.floor(pfn / CHUNK)
      const c = this.#chunk(index, false)
      const slot = pfn - index * CHUNK
      const span = Math.min(CHUNK - slot, n - i)
      if (c !== undefined && c.used > 0) {
        for (let s = slot; s < slot + span; s++) {
          const f = c.flags[s] as number
          if (!(f & PTE_PRESENT)) continue
          cleared++
          if (stale) c.flags[s] = (f & PTE_PROT_MASK) | PTE_STALE
          else {
            c.flags[s] = 0
            c.used--
          }
        }
        if (c.used === 0) this.#drop(index)
      }
      i += span
    }
    this.present -= cleared
    this.writes += cleared
    this.#removePending(iovaPfn, iovaPfn + n)
    if (stale && cleared > 0) this.#addRange(this.#stale, iovaPfn, iovaPfn + n)
    return cleared
  }

  /** iommu_sync_map() / iotlb_sync_map: pending entries in the range become visible. */
  syncMap(iovaPfn: number, n: number): void {
    this.#removePending(iovaPfn, iovaPfn + n)
  }

  /** flush_iotlb_all(): stale translations are gone. */
  flushAll(): void {
    const ranges = this.#stale
    this.#stale = []
    for (let r = 0; r < ranges.length; r += 2) {
      const start = ranges[r] as number
      const end = ranges[r + 1] as number
      for (let pfn = start; pfn < end;) {
        const index = Math.floor(pfn / CHUNK)
        const c = this.#chunk(index, false)
        const slot = pfn - index * CHUNK
        const span = Math.min(CHUNK - slot, end - pfn)
        if (c !== undefined) {
          for (let s = slot; s < slot + span; s++) {
            if ((c.flags[s] as number) & PTE_STALE) {
              c.flags[s] = 0
              c.used--
            }
          }
          if (c.used === 0) this.#drop(index)
        }
        pfn += span
      }
    }
  }

  translate(iovaPfn: number): Translation | undefined {
    const index = Math.floor(iovaPfn / CHUNK)
    const c = this.#chunk(index, false)
    if (c === undefined) return undefined
    const slot = iovaPfn - index * CHUNK
    const f = c.flags[slot] as number
    if (!(f & (PTE_PRESENT | PTE_STALE))) return undefined
    return {
      physPfn: c.phys[slot] as number,
      prot: f & PTE_PROT_MASK,
      stale: (f & PTE_STALE) !== 0,
      pending: (f & PTE_PRESENT) !== 0 && this.#isPending(iovaPfn),
    }
  }

  /** Bytes of simulated state (the tables that exist). */
  get stateBytes(): number {
    return this.#chunks.size * CHUNK * 9
  }

  get staleRanges(): number {
    return this.#stale.length / 2
  }

  #drop(index: number): void {
    this.#chunks.delete(index)
    if (this.#lastIndex === index) {
      this.#lastIndex = -1
      this.#last = undefined
    }
  }

  #addRange(list: number[], start: number, end: number): void {
    // Merge with the last range when adjacent: the common case is consecutive links.
    const n = list.length
    if (n >= 2 && list[n - 1] === start) {
      list[n - 1] = end
      return
    }
    list.push(start, end)
  }

  #removeRange(list: number[], start: number, end: number): void {
    if (list.length === 0) return
    // Common case: the range just linked is synced (one pending range, covered at its start).
    if (list.length === 2) {
      const s = list[0] as number
      const e = list[1] as number
      if (e <= start || s >= end) return
      if (start <= s && end >= e) {
        list.length = 0
        return
      }
      if (start <= s) {
        list[0] = end
        return
      }
      if (end >= e) {
        list[1] = start
        return
      }
    }
    const out: number[] = []
    for (let i = 0; i < list.length; i += 2) {
      const s = list[i] as number
      const e = list[i + 1] as number
      if (e <= start || s >= end) out.push(s, e)
      else {
        if (s < start) out.push(s, start)
        if (e > end) out.push(end, e)
      }
    }
    list.length = 0
    for (const v of out) list.push(v)
  }
}

function inRanges(list: readonly number[], pfn: number): boolean {
  for (let i = 0; i < list.length; i += 2) if (pfn >= (list[i] as number) && pfn < (list[i + 1] as number)) return true
  return false
}
