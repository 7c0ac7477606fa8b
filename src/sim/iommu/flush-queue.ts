/**
 * The lazy-unmap flush queue of dma-iommu.c (K-R24): unmapped IOVAs wait in a
 * per-CPU ring of 256 entries (255 usable) tagged with the flush-start
 * counter; a full ring or the 10 ms timer forces flush_iotlb_all(), after
 * which entries older than the finished flush are freed to the IOVA caches.
 */
import { IOVA_DEFAULT_FQ_SIZE, IOVA_DEFAULT_FQ_TIMEOUT_MS, msecsToJiffies } from '../consts.js'
import type { Clock } from '../clock.js'

interface Entry {
  readonly pfn: number
  readonly pages: number
  readonly counter: number
  /** Queued by an unmap a trace showed inside a run of the timer (UnmapStep.inFqTimer): that run may have freed it. */
  readonly inTimerRun: boolean
}

export class FlushQueue {
  readonly #ring: Entry[] = []
  readonly #clock: Clock
  readonly #flushAll: () => void
  readonly #free: (pfn: number, pages: number) => void
  #startCnt = 0
  #finishCnt = 0

  /** The timer runs only when timeout() is called (a trace saw when it ran), never on the clock. */
  readonly #observed: boolean

  constructor(clock: Clock, flushAll: () => void, free: (pfn: number, pages: number) => void, observed = false) {
    this.#observed = observed
    this.#clock = clock
    this.#flushAll = flushAll
    this.#free = free
  }

  get queued(): readonly { pfn: number; pages: number }[] {
    return this.#ring
  }

  /** fq_flush_iotlb(). */
  flush(): void {
    this.#startCnt++
    this.#flushAll()
    this.#finishCnt++
  }

  /** fq_ring_free_locked(). */
  #ringFree(): void {
    while (this.#ring.length > 0 && (this.#ring[0] as Entry).counter < this.#finishCnt) {
      const e = this.#ring.shift() as Entry
      if (e.inTimerRun) this.#inTimerRunQueued--
      this.#free(e.pfn, e.pages)
    }
  }

  /** The next queue() is an unmap a trace showed inside a run of the timer (UnmapStep.inFqTimer). */
  inTimerRun = false
  /** Entries of the ring queued inside a run of the timer. */
  #inTimerRunQueued = 0

  /**
   * Take an entry queued inside a run of the timer out of the ring for a new
   * allocation of the same size: the kernel handed out its IOVA, so that
   * run freed it (queued before its flush began). False when no such entry holds it.
   */
  takeFreedInTimerRun(pfn: number, pages: number): boolean {
    // Every observed map asks: without such an entry in the ring, no scan.
    if (this.#inTimerRunQueued === 0) return false
    const i = this.#ring.findIndex((e) => e.pfn === pfn && e.pages === pages && e.inTimerRun)
    if (i < 0) return false
    this.#ring.splice(i, 1)
    this.#inTimerRunQueued--
    return true
  }

  /** queue_iova(). */
  queue(pfn: number, pages: number): void {
    const inTimerRun = this.inTimerRun
    this.inTimerRun = false
    this.#ringFree()
    if (this.#ring.length === IOVA_DEFAULT_FQ_SIZE - 1) {
      this.flush()
      this.#ringFree()
    }
    this.#ring.push({ pfn, pages, counter: this.#startCnt, inTimerRun })
    if (inTimerRun) this.#inTimerRunQueued++
    if (!this.#observed) this.#clock.scheduleJiffies('fq-timer', msecsToJiffies(IOVA_DEFAULT_FQ_TIMEOUT_MS), () => this.timeout())
  }

  /** fq_flush_timeout(). */
  timeout(): void {
    this.flush()
    this.#ringFree()
  }
}
