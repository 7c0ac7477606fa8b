/**
 * dmaplan plan <plan>: the plan as the IR's JSON (schema/plan.schema.json),
 * what the simulator, the generator and `dmaplan check` read from a .json
 * file. A plan that breaks a rule is not a plan: its sentences instead.
 */
import { planToJson } from '../plan/load.js'
import { EXIT } from './errors.js'
import { loadPlanFile, violationLine } from './load-plan.js'
import type { Output } from './output.js'

export async function planVerb(file: string, out: Output): Promise<number> {
  const loaded = await loadPlanFile(file)
  if (loaded.plan === undefined) {
    for (const v of loaded.violations) out.print(violationLine(v))
    return EXIT.defect
  }
  // Where each step was written is the loader's, not the plan's: a plan's JSON is the same wherever it was built.
  out.print(planToJson({ ...loaded.plan, steps: loaded.plan.steps.map(({ at: _at, ...step }) => step) }))
  return EXIT.clean
}
