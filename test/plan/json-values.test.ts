/**
 * jsonValues() writes a decoded plan as the schema's encode would: the same
 * JSON value for random plans over every platform combination, for the
 * generator's valid plans and for a plan imported from a trace (observed
 * segments, tick phase, assumptions). encodePlan() takes it for decoded
 * plans only; a hand-made object still meets the schema.
 */
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import type { Plan } from '../../src/plan/ir.js'
import { decodePlan, encodePlan, jsonValues } from '../../src/plan/load.js'
import { planSchema } from '../../src/plan/schema.js'
import type { z } from '../../src/vendor/zod.js'
import { comboPlan } from '../sim/combo-gen.js'
import { genPlan } from '../sim/plan-gen.js'
import { randomPlan } from '../sim/random-plans.js'

const bySchema = (plan: Plan) => planSchema.encode(plan as z.output<typeof planSchema>)

function decoded(plan: Plan): Plan {
  const r = decodePlan(bySchema(plan))
  if (!r.ok) throw new Error(r.issues.map((i) => `${i.path}: ${i.message}`).join('; '))
  return r.plan
}

describe('jsonValues: the schema encode of a decoded plan, without the schema', () => {
  it('random plans of the property and the generator of valid plans', () => {
    const random = fc.sample(randomPlan, { numRuns: 300, seed: 20261205 }).flatMap((p) => {
      const made = comboPlan(p, p.seed, { granule: p.granule })
      return 'plan' in made ? [made.plan] : []
    })
    const valid = Array.from({ length: 200 }, (_, i) => genPlan(i + 1)).flatMap((p) => (p === undefined ? [] : [p]))
    const plans = [...random, ...valid].map(decoded)
    expect(plans.length).toBeGreaterThan(300)
    for (const plan of plans) {
      const want = bySchema(plan)
      expect(jsonValues(plan)).toEqual(want)
      // JSON.stringify tells apart what toEqual does not (a key whose value is undefined, key order).
      expect(JSON.stringify(encodePlan(plan))).toBe(JSON.stringify(want))
    }
  })

  it('a plan imported from a trace', () => {
    const json = JSON.parse(readFileSync(join(import.meta.dirname, '../../examples/traces/nvme-7.3.plan.json'), 'utf8'))
    const r = decodePlan(json)
    if (!r.ok) throw new Error('the example trace plan does not decode')
    expect(r.plan.observed).toBeDefined()
    expect(r.plan.steps.some((s) => s.op === 'map' && s.observed !== undefined)).toBe(true)
    expect(JSON.stringify(jsonValues(r.plan))).toBe(JSON.stringify(bySchema(r.plan)))
  })

  it('a hand-made object that is not a plan is still refused by the schema', () => {
    const plan = decoded(genPlan(1) as Plan)
    const wrong = { ...plan, steps: plan.steps.map((s) => ({ ...s, offset: 'nowhere' })) } as unknown as Plan
    expect(() => encodePlan(wrong)).toThrow()
  })
})
