import { JIFFY_MS } from './consts.js'

/** The timer wheel's levels: 64 buckets each, each level's granule 8 times the last's (kernel/time/timer.c LVL_BITS, LVL_CLK_SHIFT). */
const WHEEL_LEVEL_SIZE = 64
const WHEEL_CLK_SHIFT = 3

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
   * mod_timer(timer, jiffies + n): the timer wheel never fires early, so it
   * files the timer one granule of its level later than asked
   * (kernel/time/timer.c, calc_index()): n + 1 ticks from the current
   * jiffy's start for n below 63, in 8-jiffy steps beyond. Ticks come every
   * JIFFY_MS from `phase` ms on the simulation's clock: where the kernel's
   * ticks fell against the plan's start a trace does not say
   * (SimOptions.jiffyPhaseMs). The flush queue's 3 jiffies are thus 12 to
   * 16 ms after the unmap that armed it.
   */
  scheduleJiffies(name: string, jiffies: number, fire: () => void): boolean {
    const clk = Math.floor((this.#now - this.phase) / JIFFY_MS)
    const expires = clk + jiffies
    let shift = 0
    while (expires - clk >= (WHEEL_LEVEL_SIZE - 1) << shift) shift += WHEEL_CLK_SHIFT
    const bucket = ((expires >> shift) + 1) << shift
    return this.schedule(name, this.phase + bucket * JIFFY_MS - this.#now, fire)
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
