/**
 * What the report tests render: every example (examples/*.ts, loaded with
 * jiti against the sources), each simulated as it is and with the second
 * fallible kernel call failing, so that clean mappings, failures, bounce
 * slots, P2P bus addresses and findings all get drawn.
 */
import { readdirSync } from 'node:fs'
import { basename, join } from 'node:path'
import type { Plan } from '../../src/plan/ir.js'
import { simulate } from '../../src/sim/index.js'
import type { SimOptions, SimResult } from '../../src/sim/index.js'
import { renderHtml } from '../../src/report/index.js'
import { SimError } from '../../src/sim/index.js'
import { loadExample as loadExampleFile } from '../support/examples.js'
import { ROOT } from '../support/fixtures.js'
import { genPlan } from '../sim/plan-gen.js'

export interface ReportCase {
  /** example name, with ".fail2" when the second fallible call fails */
  readonly id: string
  readonly example: string
  readonly plan: Plan
  readonly options: SimOptions
  readonly result: SimResult
  readonly html: string
}

export function exampleNames(): string[] {
  return readdirSync(join(ROOT, 'examples'))
    .filter((f) => f.endsWith('.ts'))
    .sort()
    .map((f) => basename(f, '.ts'))
}

/** An example's plan, by its file's name without .ts. */
export function loadExample(name: string): Promise<Plan> {
  return loadExampleFile(join(ROOT, 'examples', `${name}.ts`))
}

export function renderCase(example: string, plan: Plan, options: SimOptions = {}): ReportCase {
  const result = simulate(plan, options)
  const id = options.failAtCall !== undefined ? `${example}.fail${options.failAtCall}` : example
  return { id, example, plan, options, result, html: renderHtml(result, plan, { source: `examples/${example}.ts` }) }
}

/**
 * Random valid plans of the simulator's property tests (fixed seeds, so the
 * same plans every run), every third with a fault injected: shapes the
 * examples do not have (sub-page regions, mixed kinds, long lists, quirks).
 */
export function randomCases(count: number): ReportCase[] {
  const out: ReportCase[] = []
  for (let seed = 1; out.length < count && seed < count * 20; seed++) {
    const plan = genPlan(seed)
    if (plan === undefined) continue
    const options: SimOptions = seed % 3 === 0 ? { failAtCall: 1 + (seed % 7) } : {}
    let result: SimResult
    try {
      result = simulate(plan, options)
    } catch (e) {
      if (e instanceof SimError) continue
      throw e
    }
    out.push({ id: `seed-${seed}`, example: `seed-${seed}`, plan, options, result, html: renderHtml(result, plan, { source: `examples/seed-${seed}.ts` }) })
  }
  return out
}

export async function allCases(): Promise<ReportCase[]> {
  const out: ReportCase[] = []
  for (const name of exampleNames()) {
    const plan = await loadExample(name)
    out.push(renderCase(name, plan))
    out.push(renderCase(name, plan, { failAtCall: 2 }))
  }
  return out
}
