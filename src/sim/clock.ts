import { JIFFY_MS } from './consts.js'

/**
 * Simulated time. Nothing takes time except the plan's wait steps; timers
 * (the flush-queue timeout, the IOVA depot work) fire in order of expiry as
 * the clock passes them, on the kernel's ticks (scheduleJiffies()).
 */
interface Timer {
  readonly at: number
  readonly seq: number
  readonly name: string
  readonly fire: () => void
}

export class Clock {
  /** Where the kernel's ticks fall on this clock, in [0, JIFFY_MS). */
  constructor(readonly phase = 0) {}

  #now = 0
  #seq = 0
  #timers: Timer[] = []

  get nowMs(): number {
    return this.#now
  }

  /** mod_timer()/schedule_delayed_work(): returns false if a timer of that name is already pending. */
  /**
   * mod_timer(timer, jiffies + n): it fires on the n-th tick from now.
   * Ticks come every JIFFY_MS from `phase` ms on the simulation's clock:
   * where the kernel's ticks fell against its first event a trace does not
   * say (SimOptions.jiffyPhaseMs); a timer armed in the middle of a jiffy
   * fires that much sooner than n whole jiffies.
   */
  scheduleJiffies(name: string, jiffies: number, fire: () => void): boolean {
    const tick = Math.floor((this.#now - this.phase) / JIFFY_MS)
    return this.schedule(name, this.phase + (tick + jiffies) * JIFFY_MS - this.#now, fire)
  }

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
