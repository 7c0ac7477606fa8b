/**
 * Simulated time. Nothing takes time except the plan's wait steps; timers
 * (the flush-queue timeout, the IOVA depot work) fire in order of expiry as
 * the clock passes them, like jiffies-based timers with 1 ms resolution.
 */
interface Timer {
  readonly at: number
  readonly seq: number
  readonly name: string
  readonly fire: () => void
}

export class Clock {
  #now = 0
  #seq = 0
  #timers: Timer[] = []

  get nowMs(): number {
    return this.#now
  }

  /** mod_timer()/schedule_delayed_work(): returns false if a timer of that name is already pending. */
  schedule(name: string, delayMs: number, fire: () => void): boolean {
    if (this.#timers.some((t) => t.name === name)) return false
    this.#timers.push({ at: this.#now + delayMs, seq: this.#seq++, name, fire })
    return true
  }

  pending(name: string): boolean {
    return this.#timers.some((t) => t.name === name)
  }

  advance(ms: number): void {
    const end = this.#now + ms
    for (;;) {
      const due = this.#timers.filter((t) => t.at <= end).sort((a, b) => a.at - b.at || a.seq - b.seq)[0]
      if (due === undefined) break
      this.#timers = this.#timers.filter((t) => t !== due)
      this.#now = due.at
      due.fire()
    }
    this.#now = end
  }
}
