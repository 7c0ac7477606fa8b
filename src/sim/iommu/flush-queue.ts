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
      this.#free(e.pfn, e.pages)
    }
  }

  /** queue_iova(). */
  queue(pfn: number, pages: number): void {
    this.#ringFree()
    if (this.#ring.length === IOVA_DEFAULT_FQ_SIZE - 1) {
      this.flush()
      this.#ringFree()
    }
    this.#ring.push({ pfn, pages, counter: this.#startCnt })
    if (!this.#observed) this.#clock.scheduleJiffies('fq-timer', msecsToJiffies(IOVA_DEFAULT_FQ_TIMEOUT_MS), () => this.timeout())
  }

  /** fq_flush_timeout(). */
  timeout(): void {
    this.flush()
    this.#ringFree()
  }
}
