/**
 * The kernel's timers on the simulation's clock: mod_timer(jiffies + n)
 * fires a granule after the n-th tick from now (the wheel rounds up), so a
 * timer armed in the middle of a jiffy fires sooner than n + 1 whole jiffies (HZ=250: 4 ms a jiffy), and where
 * the ticks fall is SimOptions.jiffyPhaseMs.
 */
import { describe, expect, it } from 'vitest'
import { Clock } from '../../src/sim/clock.js'
import { msecsToJiffies } from '../../src/sim/consts.js'

/** When a timer of n jiffies armed at `at` ms fires, on a clock whose ticks start at `phase`. */
function firesAt(phase: number, at: number, jiffies: number): number | undefined {
  const c = new Clock(phase)
  c.advance(at)
  let fired: number | undefined
  c.scheduleJiffies('t', jiffies, () => (fired = c.nowMs))
  c.advance(1000)
  return fired
}

describe('timers on jiffies', () => {
  it("msecs_to_jiffies() rounds up: the flush queue's 10 ms are 3 jiffies, the IOVA depot's 100 ms 25", () => {
    expect([msecsToJiffies(10), msecsToJiffies(100), msecsToJiffies(4), msecsToJiffies(1)]).toEqual([3, 25, 1, 1])
  })

  it('fires a granule late, never early (calc_index()): 3 jiffies are the fourth tick, 16 ms after a tick, 13 ms when armed 3 ms into a jiffy', () => {
    expect(firesAt(0, 0, 3)).toBe(16)
    expect(firesAt(0, 3, 3)).toBe(16)
    expect(firesAt(0, 4, 3)).toBe(20)
  })

  it('rounds up to 8 jiffies past the first level (63 jiffies)', () => {
    expect(firesAt(0, 0, 62)).toBe(63 * 4)
    expect(firesAt(0, 0, 63)).toBe(64 * 4)
    expect(firesAt(0, 0, 70)).toBe(72 * 4)
  })

  it('puts the ticks where the phase says', () => {
    expect(firesAt(1.5, 1, 3)).toBe(13.5)
    expect(firesAt(1.5, 2, 3)).toBe(17.5)
  })
})
