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
 * Entries are kept as extents: a run of granules whose frames follow each
 * other and whose bits are the same is one entry, in IOVA order (the way a
 * real table folds such a run into 2 MiB and 1 GiB leaves where it can). A
 * terabyte mapped in one piece is one extent, so the table's size follows
 * the number of pieces mapped, not the bytes; what the device sees is the
 * same as with one entry per granule.
 */
import { OrderedRanges } from './ordered-ranges.js'

export const PTE_PRESENT = 1 << 6
export const PTE_STALE = 1 << 7
export const PTE_PROT_MASK = 0x3f

/** Granules lo..hi (inclusive) mapping frames phys.. with the same bits. */
interface Extent {
  lo: number
  hi: number
  phys: number
  flags: number
}

/** What one extent costs: three numbers, a byte of bits, and its slot in the ordered list. */
const EXTENT_BYTES = 40

export interface Translation {
  readonly physPfn: number
  readonly prot: number
  /** Cleared from the page table but still in the IOTLB (lazy unmap not yet flushed). */
  readonly stale: boolean
  /** Mapped but not yet synced (dma_iova_link without dma_iova_sync). */
  readonly pending: boolean
}

export class IoPageTable {
  readonly #extents = new OrderedRanges<Extent>()
  /** Extents holding stale entries (flushAll() has work only when some do). */
  #staleExtents = 0
  /** The most recent range mapped without a sync, in scalars (the per-page link/sync path). */
  #pStart = 0
  #pEnd = 0
  /** Further [start, end) pfn ranges mapped without a sync yet. */
  #pending: number[] = []
  /** [start, end) pfn ranges holding stale entries until the next full flush. */
  #stale: number[] = []
  /** Granules with a live entry. */
  present = 0
  /** Entries written or cleared, one per granule (what a table of 4 KiB leaves would write). */
  writes = 0

  /** The extents overlapping [start, end), in order. */
  #overlapping(start: number, end: number): Extent[] {
    const out: Extent[] = []
    for (let e = this.#extents.firstReaching(start); e !== undefined && e.lo < end; e = this.#extents.next(e)) out.push(e)
    return out
  }

  /** First pfn in [iovaPfn, iovaPfn + n) that holds a live entry, or -1. */
  firstPresent(iovaPfn: number, n: number): number {
    for (let e = this.#extents.firstReaching(iovaPfn); e !== undefined && e.lo < iovaPfn + n; e = this.#extents.next(e))
      if (e.flags & PTE_PRESENT) return Math.max(e.lo, iovaPfn)
    return -1
  }

  /** Write n entries mapping iovaPfn.. to physPfn.. (the caller checked that none is present). */
  map(iovaPfn: number, physPfn: number, n: number, prot: number, pending: boolean): void {
    if (n <= 0) return
    // A stale entry in the way is overwritten (its IOTLB entry was a leftover of the old mapping).
    if (this.#staleExtents > 0) this.#dropStale(iovaPfn, iovaPfn + n)
    this.#add(iovaPfn, iovaPfn + n - 1, physPfn, (prot & PTE_PROT_MASK) | PTE_PRESENT)
    this.present += n
    this.writes += n
    if (pending) this.#addPending(iovaPfn, iovaPfn + n)
  }

  /** Insert an extent, folded into the one just below when it continues it. */
  #add(lo: number, hi: number, phys: number, flags: number): void {
    const below = lo > 0 ? this.#extents.find(lo - 1) : undefined
    if (below !== undefined && below.flags === flags && below.phys + (lo - below.lo) === phys) {
      // Growing hi in place keeps the order: [lo, hi] holds no extent.
      below.hi = hi
      return
    }
    this.#insert({ lo, hi, phys, flags })
  }

  #remove(e: Extent): void {
    this.#extents.remove(e)
    if (e.flags & PTE_STALE) this.#staleExtents--
  }

  /** Take granules lo..hi out of e, keeping what lies outside them. */
  #take(e: Extent, lo: number, hi: number): void {
    this.#remove(e)
    if (e.lo < lo) this.#insert({ lo: e.lo, hi: lo - 1, phys: e.phys, flags: e.flags })
    if (e.hi > hi) this.#insert({ lo: hi + 1, hi: e.hi, phys: e.phys + (hi + 1 - e.lo), flags: e.flags })
  }

  #insert(e: Extent): void {
    this.#extents.insert(e)
    if (e.flags & PTE_STALE) this.#staleExtents++
  }

  /** Drop the stale entries in [start, end). */
  #dropStale(start: number, end: number): void {
    for (const e of this.#overlapping(start, end)) if (e.flags & PTE_STALE) this.#take(e, Math.max(e.lo, start), Math.min(e.hi, end - 1))
  }

  /** Clear the live entries in [start, end), leaving them stale when asked; returns how many there were. */
  #clearPresent(start: number, end: number, stale: boolean): number {
    let cleared = 0
    for (const e of this.#overlapping(start, end)) {
      if (!(e.flags & PTE_PRESENT)) continue
      const lo = Math.max(e.lo, start)
      const hi = Math.min(e.hi, end - 1)
      this.#take(e, lo, hi)
      cleared += hi - lo + 1
      if (stale) this.#add(lo, hi, e.phys + (lo - e.lo), (e.flags & PTE_PROT_MASK) | PTE_STALE)
    }
    return cleared
  }

  #addPending(start: number, end: number): void {
    if (this.#pStart === this.#pEnd) {
      this.#pStart = start
      this.#pEnd = end
    } else if (this.#pEnd === start) this.#pEnd = end
    else addRange(this.#pending, start, end)
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
        addRange(this.#pending, end, e)
      }
    }
    if (this.#pending.length > 0) removeRange(this.#pending, start, end)
  }

  #isPending(pfn: number): boolean {
    return (pfn >= this.#pStart && pfn < this.#pEnd) || inRanges(this.#pending, pfn)
  }

  /**
   * Clear n entries from iovaPfn; returns how many were present. With
   * `stale` the IOTLB keeps the old translations until flushAll().
   */
  unmap(iovaPfn: number, n: number, stale: boolean): number {
    const cleared = this.#clearPresent(iovaPfn, iovaPfn + n, stale)
    this.present -= cleared
    this.writes += cleared
    this.#removePending(iovaPfn, iovaPfn + n)
    if (stale && cleared > 0) addRange(this.#stale, iovaPfn, iovaPfn + n)
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
    for (let r = 0; r < ranges.length && this.#staleExtents > 0; r += 2) this.#dropStale(ranges[r] as number, ranges[r + 1] as number)
  }

  translate(iovaPfn: number): Translation | undefined {
    const e = this.#extents.find(iovaPfn)
    if (e === undefined) return undefined
    const f = e.flags
    return {
      physPfn: e.phys + (iovaPfn - e.lo),
      prot: f & PTE_PROT_MASK,
      stale: (f & PTE_STALE) !== 0,
      pending: (f & PTE_PRESENT) !== 0 && this.#isPending(iovaPfn),
    }
  }

  /** Extents in the table (runs of entries, live or stale). */
  get extents(): number {
    return this.#extents.size
  }

  /** Bytes of simulated state the table holds. */
  get stateBytes(): number {
    return this.#extents.size * EXTENT_BYTES
  }

  get staleRanges(): number {
    return this.#stale.length / 2
  }
}

function addRange(list: number[], start: number, end: number): void {
  // Merge with the last range when adjacent: the common case is consecutive links.
  const n = list.length
  if (n >= 2 && list[n - 1] === start) {
    list[n - 1] = end
    return
  }
  list.push(start, end)
}

function removeRange(list: number[], start: number, end: number): void {
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

function inRanges(list: readonly number[], pfn: number): boolean {
  for (let i = 0; i < list.length; i += 2) if (pfn >= (list[i] as number) && pfn < (list[i + 1] as number)) return true
  return false
}
