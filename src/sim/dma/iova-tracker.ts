/**
 * dmaplan's own checks of the two-step IOVA API. The kernel tracks nothing
 * here (K-R35): dma-iommu does not check that links stay inside the state's
 * range or do not overlap (K-R31), that unlinks hit linked ranges (K-R34), that
 * the device waited for dma_iova_sync() (K-R30), or that a state is not used
 * after it was freed. Every finding says it is dmaplan's, not the kernel's.
 *
 * Each state keeps, for its granules, 0 (unlinked), 1 (linked) or 2 (linked
 * and synced) as runs of equal values (RunMap): a range linked in a few
 * pieces costs a few runs, however large it is.
 */
import { hex } from '../addr.js'
import type { Reporter } from '../findings.js'
import { RunMap } from '../run-map.js'

export interface TrackedState {
  readonly id: number
  readonly basePfn: number
  readonly pages: number
  readonly granule: number
  /** 0 unlinked, 1 linked (not synced), 2 linked and synced. */
  readonly linked: RunMap
  linkedCount: number
  freed: boolean
  /** Direction of the first link (unlinks and destroys must use the same one, like D14). */
  dir: number | undefined
}

const LINKED = 1
const SYNCED = 2
/** A run's start and value in two arrays. */
const RUN_BYTES = 16
const isLinked = (v: number): boolean => v !== 0
const isUnlinked = (v: number): boolean => v === 0

export class IovaTracker {
  readonly #reporter: Reporter
  readonly #states = new Map<number, TrackedState>()
  #nextId = 1

  constructor(reporter: Reporter) {
    this.#reporter = reporter
  }

  #err(id: string, message: string): void {
    this.#reporter.report(id, 'error', 'dmaplan', `dmaplan IOVA-API check (not tracked by the kernel): ${message}`)
  }

  open(basePfn: number, pages: number, granule: number): TrackedState {
    const st: TrackedState = { id: this.#nextId++, basePfn, pages, granule, linked: new RunMap(pages), linkedCount: 0, freed: false, dir: undefined }
    this.#states.set(st.id, st)
    return st
  }

  get(id: number): TrackedState | undefined {
    return this.#states.get(id)
  }

  /** Bytes of tracking state. */
  get stateBytes(): number {
    let n = 0
    for (const s of this.#states.values()) n += s.linked.runs * RUN_BYTES
    return n
  }

  used(st: TrackedState, what: string): boolean {
    if (st.freed) {
      this.#err('IOVA', `${what} on an IOVA state that was already freed or destroyed (IOVA ${hex(BigInt(st.basePfn) * BigInt(st.granule))})`)
      return false
    }
    return true
  }

  /**
   * Before a link of granules [first, first + n) relative to the state: K-R31.
   * Returns what puts the state back when the IOMMU refuses the link (the
   * granules linked before stay linked).
   */
  link(st: TrackedState, first: number, n: number): () => void {
    if (!this.used(st, 'dma_iova_link()')) return () => {}
    if (first < 0 || first + n > st.pages)
      this.#err(
        'R31',
        `dma_iova_link() of granules ${first}..${first + n - 1} reaches outside the state's ${st.pages} granules: it maps IOVA that belongs to someone else`,
      )
    const lo = Math.max(first, 0)
    const hi = Math.min(first + n, st.pages)
    const l = st.linked
    const overlap = l.find(lo, hi, isLinked)
    if (overlap < 0) {
      l.assign(lo, hi, LINKED)
      st.linkedCount += hi - lo
      return () => {
        l.assign(lo, hi, 0)
        st.linkedCount -= hi - lo
      }
    }
    this.#err(
      'R31',
      `dma_iova_link() links granule ${overlap} of the state a second time (VT-d refuses it with -EADDRINUSE from 6.19; before, it warns and keeps the first link)`,
    )
    const restore = l.saved(lo, hi)
    const count = st.linkedCount
    st.linkedCount += l.count(lo, hi, isUnlinked)
    l.assign(lo, hi, LINKED)
    return () => {
      restore()
      st.linkedCount = count
    }
  }

  /** Fast path of link for one granule known to be inside the state. */
  linkOne(st: TrackedState, i: number): boolean {
    if (st.freed || i < 0 || i >= st.pages || st.linked.get(i)) return false
    st.linked.assign(i, i + 1, LINKED)
    st.linkedCount++
    return true
  }

  /** Link and sync granules [first, first + n) in one go; false (nothing changed) if any is linked. */
  linkSyncedRun(st: TrackedState, first: number, n: number): boolean {
    if (st.freed || first < 0 || first + n > st.pages) return false
    const l = st.linked
    if (l.find(first, first + n, isLinked) >= 0) return false
    l.assign(first, first + n, SYNCED)
    st.linkedCount += n
    return true
  }

  sync(st: TrackedState, first: number, n: number): void {
    if (!this.used(st, 'dma_iova_sync()')) return
    const lo = Math.max(first, 0)
    const hi = Math.min(first + n, st.pages)
    const missing = st.linked.find(lo, hi, isUnlinked)
    st.linked.update(lo, hi, (v) => (v ? SYNCED : 0))
    if (missing >= 0)
      this.#reporter.report(
        'R30',
        'warning',
        'dmaplan',
        `dmaplan IOVA-API check (not tracked by the kernel): dma_iova_sync() covers granule ${missing}, which is not linked`,
      )
  }

  syncOne(st: TrackedState, i: number): void {
    if (st.linked.get(i)) st.linked.assign(i, i + 1, SYNCED)
  }

  /** Unlink of [first, first + n): K-R34 when part of it was never linked. */
  unlink(st: TrackedState, first: number, n: number, what: string): void {
    if (!this.used(st, what)) return
    const lo = Math.max(first, 0)
    const hi = Math.min(first + n, st.pages)
    const missing = st.linked.find(lo, hi, isUnlinked)
    st.linkedCount -= st.linked.count(lo, hi, isLinked)
    st.linked.assign(lo, hi, 0)
    if (missing >= 0) this.#err('R34', `${what} unlinks granule ${missing} of the state, which is not linked`)
  }

  unlinkOne(st: TrackedState, i: number): void {
    if (st.linked.get(i)) {
      st.linked.assign(i, i + 1, 0)
      st.linkedCount--
    }
  }

  /** dma_iova_free()/destroy(): anything still linked leaks page-table entries. */
  free(st: TrackedState, what: string): void {
    if (!this.used(st, what)) return
    if (st.linkedCount > 0)
      this.#err(
        'R34',
        `${what} frees an IOVA range with ${st.linkedCount} granule(s) still linked: their page-table entries stay behind and the next user of that IOVA fails to map it`,
      )
    st.freed = true
  }

  /** The direction of links and unlinks must match, as dma-debug's D14 demands of other mappings. */
  direction(st: TrackedState, dir: number, what: string, names: readonly string[]): void {
    if (st.dir === undefined) {
      st.dir = dir
      return
    }
    if (st.dir !== dir) this.#err('D14', `${what} with ${names[dir] ?? dir} on a range linked with ${names[st.dir] ?? st.dir}`)
  }

  /** Driver unbind with IOVA states alive (what D21 reports for other mappings). */
  release(): void {
    const live = this.live()
    const first = live[0]
    if (first === undefined) return
    this.#err(
      'D21',
      `${live.length} IOVA state(s) still allocated at driver unbind; one at IOVA 0x${(BigInt(first.basePfn) * BigInt(first.granule)).toString(16)} with ${first.linkedCount} linked granule(s)`,
    )
  }

  /** Whether the granule of a state is linked and synced (K-R30). */
  visible(st: TrackedState, i: number): boolean {
    return st.linked.get(i) === SYNCED
  }

  live(): TrackedState[] {
    return [...this.#states.values()].filter((s) => !s.freed)
  }
}
