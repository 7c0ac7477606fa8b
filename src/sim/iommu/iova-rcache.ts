/**
 * The IOVA range caches of iova.c (K-R21): per-CPU magazines of freed pfns
 * for sizes up to 32 granules, a depot of full magazines that delayed work
 * trims back to the tree, and alloc_iova_fast()/free_iova_fast() on top.
 * The model has one CPU (reference platforms boot with -smp 1).
 */
import { orderBase2, roundupPowOfTwo } from '../addr.js'
import { IOVA_DEPOT_DELAY_MS, IOVA_MAG_SIZE, IOVA_RANGE_CACHE_MAX_SIZE, msecsToJiffies } from '../consts.js'
import type { Clock } from '../clock.js'
import type { IovaDomain } from './iova.js'

class Magazine {
  pfns: number[] = []
  get full(): boolean {
    return this.pfns.length === IOVA_MAG_SIZE
  }
  get empty(): boolean {
    return this.pfns.length === 0
  }
  /** iova_magazine_pop(): the topmost pfn not above limit, swapped out of the array. */
  pop(limitPfn: number): number {
    let i = this.pfns.length - 1
    for (; (this.pfns[i] as number) > limitPfn; i--) if (i === 0) return 0
    const pfn = this.pfns[i] as number
    const last = this.pfns.pop() as number
    if (i < this.pfns.length) this.pfns[i] = last
    return pfn
  }
}

interface Rcache {
  loaded: Magazine
  prev: Magazine
  depot: Magazine[]
}

export class IovaCaches {
  readonly #iovad: IovaDomain
  readonly #clock: Clock
  readonly #rcaches: Rcache[] = []
  /** Fault injection: every allocation fails (IOVA space exhausted). */
  exhausted = false

  constructor(iovad: IovaDomain, clock: Clock) {
    this.#iovad = iovad
    this.#clock = clock
    for (let i = 0; i < IOVA_RANGE_CACHE_MAX_SIZE; i++) this.#rcaches.push({ loaded: new Magazine(), prev: new Magazine(), depot: [] })
  }

  /** alloc_iova_fast(): limitPfn inclusive; returns 0 on failure. */
  allocFast(size: number, limitPfn: number, flushRcache: boolean): number {
    if (this.exhausted) return 0
    if (size < 2 ** (IOVA_RANGE_CACHE_MAX_SIZE - 1)) size = roundupPowOfTwo(size)
    const cached = this.#rcacheGet(size, limitPfn + 1)
    if (cached) return cached
    for (;;) {
      const node = this.#iovad.allocRange(size, limitPfn + 1, true)
      if (node !== undefined) return node.lo
      if (!flushRcache) return 0
      flushRcache = false
      this.freeCpuCached()
      this.#freeGlobalCached()
    }
  }

  /**
   * Take a given pfn out of the caches, wherever it sits in them: the
   * kernel's choice where a trace leaves the order of its calls in doubt
   * (ObservedMap.interrupted). False when the caches do not hold it.
   */
  /** What alloc_iova_fast() would take from the caches now, without taking it; 0 when it would go to the tree. */
  peekCached(size: number, limitPfn: number): number {
    if (size < 2 ** (IOVA_RANGE_CACHE_MAX_SIZE - 1)) size = roundupPowOfTwo(size)
    const r = this.#rcaches[orderBase2(size)]
    if (r === undefined) return 0
    const m = !r.loaded.empty ? r.loaded : !r.prev.empty ? r.prev : r.depot.at(-1)
    if (m === undefined) return 0
    for (let i = m.pfns.length - 1; i >= 0; i--) if ((m.pfns[i] as number) <= limitPfn) return m.pfns[i] as number
    return 0
  }

  takeCached(pfn: number, size: number): boolean {
    if (this.exhausted) return false
    if (size < 2 ** (IOVA_RANGE_CACHE_MAX_SIZE - 1)) size = roundupPowOfTwo(size)
    const log = orderBase2(size)
    const r = this.#rcaches[log]
    if (r === undefined) return false
    for (const m of [r.loaded, r.prev, ...r.depot]) {
      const i = m.pfns.indexOf(pfn)
      if (i >= 0) {
        m.pfns.splice(i, 1)
        return true
      }
    }
    return false
  }

  /**
   * Take a given pfn from the tree where the caches would have given
   * another: the kernel's choice when its allocation came before the frees
   * that filled the caches (ObservedMap.interrupted). The tree's own
   * top-down search must land on it; else nothing is taken.
   */
  takeFromTree(pfn: number, size: number, limitPfn: number): boolean {
    if (this.exhausted) return false
    if (size < 2 ** (IOVA_RANGE_CACHE_MAX_SIZE - 1)) size = roundupPowOfTwo(size)
    const node = this.#iovad.allocRange(size, limitPfn + 1, true)
    if (node === undefined) return false
    if (node.lo === pfn) return true
    this.#iovad.remove(node)
    return false
  }

  /** free_iova_fast(). */
  freeFast(pfn: number, size: number): void {
    if (this.#rcacheInsert(pfn, size)) return
    this.#iovad.freePfn(pfn)
  }

  /** Pfns held by the caches (allocated in the tree, free for reuse). */
  cachedPfns(): number[] {
    const out: number[] = []
    for (const r of this.#rcaches) {
      out.push(...r.loaded.pfns, ...r.prev.pfns)
      for (const m of r.depot) out.push(...m.pfns)
    }
    return out
  }

  #rcacheInsert(pfn: number, size: number): boolean {
    const log = orderBase2(size)
    if (log >= IOVA_RANGE_CACHE_MAX_SIZE) return false
    const r = this.#rcaches[log] as Rcache
    if (r.loaded.full) {
      if (!r.prev.full) [r.prev, r.loaded] = [r.loaded, r.prev]
      else {
        r.depot.push(r.loaded)
        this.#scheduleDepotWork(log)
        r.loaded = new Magazine()
      }
    }
    r.loaded.pfns.push(pfn)
    return true
  }

  #rcacheGet(size: number, limitPfn: number): number {
    const log = orderBase2(size)
    if (log >= IOVA_RANGE_CACHE_MAX_SIZE) return 0
    const r = this.#rcaches[log] as Rcache
    let has = false
    if (!r.loaded.empty) has = true
    else if (!r.prev.empty) {
      ;[r.prev, r.loaded] = [r.loaded, r.prev]
      has = true
    } else if (r.depot.length > 0) {
      r.loaded = r.depot.pop() as Magazine
      has = true
    }
    return has ? r.loaded.pop(limitPfn - size) : 0
  }

  /** iova_depot_work_func(): trim the depot to one magazine per online CPU, 100 ms apart. */
  #scheduleDepotWork(log: number): void {
    this.#clock.scheduleJiffies(`iova-depot-${log}`, msecsToJiffies(IOVA_DEPOT_DELAY_MS), () => {
      const r = this.#rcaches[log] as Rcache
      if (r.depot.length > 1) {
        const mag = r.depot.pop() as Magazine
        for (const pfn of mag.pfns) this.#iovad.freePfn(pfn)
        this.#scheduleDepotWork(log)
      }
    })
  }

  /** free_cpu_cached_iovas(). */
  freeCpuCached(): void {
    for (const r of this.#rcaches) {
      for (const pfn of r.loaded.pfns) this.#iovad.freePfn(pfn)
      for (const pfn of r.prev.pfns) this.#iovad.freePfn(pfn)
      r.loaded.pfns = []
      r.prev.pfns = []
    }
  }

  #freeGlobalCached(): void {
    for (const r of this.#rcaches) {
      for (const m of r.depot) for (const pfn of m.pfns) this.#iovad.freePfn(pfn)
      r.depot = []
    }
  }
}
