/**
 * One run of the random-plan property: n plans from a seed, every one
 * checked (a failure does not stop the count), the line
 * `property: N random plans, F failures`, then fast-check shrinks the first
 * failure to its smallest form, which belongs in random-plans.regressions.ts.
 */
import fc from 'fast-check'
import { expect } from 'vitest'
import { checkRandomPlan, KNOWN_GAPS, randomPlan } from './random-plans.js'
import type { RandomPlan, Verdict } from './random-plans.js'

/** Runs n plans; returns the known gaps their failures matched (the caller checks that each still shows). */
export function propertyRun(n: number, seed: number): ReadonlySet<string> {
  const counts: Record<Verdict, number> = { impossible: 0, refused: 0, simulated: 0, injected: 0 }
  const failures: { plan: RandomPlan; failure: string }[] = []
  const known = new Map<string, number>()
  const start = performance.now()
  fc.assert(
    fc.property(randomPlan, (p) => {
      const r = checkRandomPlan(p)
      if (!('failure' in r)) counts[r.verdict]++
      else {
        const gap = KNOWN_GAPS.find((k) => k.matches(p, r.failure))
        if (gap === undefined) failures.push({ plan: p, failure: r.failure })
        else known.set(gap.id, (known.get(gap.id) ?? 0) + 1)
      }
    }),
    { numRuns: n, seed },
  )
  const inGaps = [...known.values()].reduce((a, b) => a + b, 0)
  const seconds = ((performance.now() - start) / 1000).toFixed(1)
  console.log(
    `property: ${n} random plans, ${failures.length + inGaps} failures, ${failures.length} outside the known gaps${inGaps > 0 ? ` (${[...known].map(([id, k]) => `${id} ${k}`).join(', ')})` : ''}; ${counts.simulated} simulated, ${counts.injected} with an injected failure, ${counts.refused} refused by the rules, ${counts.impossible} impossible; ${seconds} s`,
  )
  for (const f of failures.slice(0, Number(process.env.SHOW_FAILURES ?? 5))) console.log(`  ${JSON.stringify(f.plan)}: ${f.failure.slice(0, 300)}`)
  const first = failures[0]
  if (first === undefined) return new Set(known.keys())
  // Shrink the first failure: the smallest plan that still fails is the regression test to keep.
  fc.assert(
    fc.property(randomPlan, (p) => {
      const r = checkRandomPlan(p)
      expect('failure' in r ? r.failure : undefined).toBeUndefined()
    }),
    { examples: [[first.plan]], numRuns: 1 },
  )
  return new Set(known.keys())
}
