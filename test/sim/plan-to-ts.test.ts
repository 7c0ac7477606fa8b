/**
 * The DSL writer of the type-agreement test (plan-to-ts.ts) round-trips:
 * the body it writes for a random plan (random-plans.ts), run as written,
 * builds a plan equal to the IR it was written from, or is refused with
 * the same findings the rules give the IR. Plans whose IR has no DSL
 * spelling are skipped by name and counted.
 */
import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import type { Plan, Step } from '../../src/plan/ir.js'
import { validatePlan } from '../../src/plan/rules/validate.js'
import { comboPlan } from './combo-gen.js'
import { genPlan } from './plan-gen.js'
import { planBody, runPlanBody } from './plan-to-ts.js'
import { randomPlan } from './random-plans.js'

const RUNS = 400

/** The plan without the call sites the builder records. */
function withoutSites(plan: Plan): Plan {
  return { ...plan, steps: plan.steps.map(({ at: _, ...s }) => s as Step) }
}

/** The plan as a builder lists it: the regions its steps name, in the order they first name them, and the devices that provide them. */
function asBuilt(plan: Plan): Plan {
  const order: string[] = []
  for (const s of plan.steps) {
    const names = s.op === 'map' ? s.regions : 'region' in s && s.region !== undefined ? [s.region] : []
    for (const n of names) if (!order.includes(n)) order.push(n)
  }
  const regions = order.flatMap((n) => plan.regions.filter((r) => r.name === n))
  const providers = new Set(regions.map((r) => r.provider))
  return { ...plan, regions, devices: plan.devices.filter((d) => d.name === plan.device || providers.has(d.name)) }
}

type Outcome = { plan: Plan } | { refused: { rule: string; text: string }[] }

function run(body: string): Outcome {
  try {
    return { plan: withoutSites(runPlanBody(body)) }
  } catch (e) {
    if (!(e instanceof Error) || e.name !== 'PlanRuleError') throw e
    return { refused: (e as Error & { violations: { rule: string; text: string }[] }).violations.map((v) => ({ rule: v.rule, text: v.text })) }
  }
}

function roundTrip(plans: readonly Plan[]): { written: number; skipped: Map<string, number>; refused: number } {
  const skipped = new Map<string, number>()
  let written = 0
  let refused = 0
  for (const ir of plans) {
    const w = planBody(ir)
    if ('unwritable' in w) {
      const why = w.unwritable.replace(/\d+/g, 'N')
      skipped.set(why, (skipped.get(why) ?? 0) + 1)
      continue
    }
    written++
    const violations = validatePlan(ir)
    const out = run(w.body)
    if (violations.length === 0) expect(out, w.body).toEqual({ plan: withoutSites(ir) })
    else {
      refused++
      expect(out, w.body).toEqual({ refused: violations.map((v) => ({ rule: v.rule, text: v.text })) })
    }
  }
  return { written, skipped, refused }
}

describe('plan-to-ts: the DSL written from a plan builds that plan', () => {
  it(`${RUNS} random plans of the property`, () => {
    const plans = fc.sample(randomPlan, { numRuns: RUNS, seed: 20261205 }).flatMap((p) => {
      const made = comboPlan(p, p.seed, { granule: p.granule })
      return 'plan' in made ? [made.plan] : []
    })
    const { written, skipped, refused } = roundTrip(plans)
    console.log(`plan-to-ts: ${plans.length} plans, ${written} written (${refused} refused), skipped: ${[...skipped].map(([w, n]) => `${w} ${n}`).join('; ') || 'none'}`)
    // Two thirds of these platforms have no translating IOMMU, and most of those a granule or flush policy drawn all the same.
    expect(written).toBeGreaterThan(plans.length / 3)
    // Only a granule or a flush policy without a translating IOMMU has no spelling in these plans.
    expect([...skipped.keys()].filter((w) => !w.includes('without a translating IOMMU'))).toEqual([])
  })

  it('the generator of valid plans, with several transactions, syncs of one region and HMM invalidations', () => {
    // Its plans declare every region and the GPU up front; a builder lists the regions its steps name, in that order.
    const plans = Array.from({ length: 300 }, (_, i) => genPlan(i + 1)).flatMap((p) => (p === undefined ? [] : [asBuilt(p)]))
    const { written, skipped } = roundTrip(plans)
    console.log(`plan-to-ts: ${plans.length} valid plans, ${written} written, skipped: ${[...skipped].map(([w, n]) => `${w} ${n}`).join('; ') || 'none'}`)
    expect(written).toBeGreaterThan(plans.length / 2)
  })
})
