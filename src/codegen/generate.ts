/**
 * generate(): a plan to files. The plan is checked again as if it came from
 * JSON (names, numbers, references: nothing but the IR reaches the output),
 * the overrides applied, a target's own plan made (the harness adds its
 * scratch buffer), the rules checked (a plan that breaks one gets its
 * sentences and no code), and the target renders the model.
 */
import { decodePlan, encodePlan } from '../plan/load.js'
import type { Plan } from '../plan/ir.js'
import { validatePlan } from '../plan/rules/validate.js'
import { RULES } from '../plan/rules/registry.js'
import type { RuleInfo } from '../plan/rules/registry.js'
import { buildModel } from './build-model.js'
import { KERNEL_VERSIONS } from '../plan/kernel.js'
import { CodegenError, PlanRuleError, PlanShapeError } from './errors.js'
import { checkIdentifiers } from './identifiers.js'
import type { GenerateOptions, GeneratedFiles } from './options.js'
import { TARGETS } from './options.js'
import { applyOverrides } from './overrides.js'
import { STRATEGY_NAMES } from '../strategies/index.js'
import { TARGET_PLANS, TARGET_RENDERERS } from './targets/index.js'

/**
 * @example
 * const files = generate(plan, { target: 'module', kernel: '6.12' })
 * // Map { 'rdma_mr.c' => '// SPDX-License-Identifier: GPL-2.0\n...', 'Kbuild' => ..., ... }
 */
export function generate(plan: Plan, options: GenerateOptions): GeneratedFiles {
  checkOptions(options)
  const checked = recheck(plan)
  const overridden = applyOverrides(checked, options)
  const effective = TARGET_PLANS[options.target]?.(overridden) ?? overridden
  const violations = validatePlan(effective).filter((v) => options.kernelRefuses !== true || (RULES as Record<string, RuleInfo>)[v.rule]?.runTimeOnly !== true)
  if (violations.length > 0) throw new PlanRuleError(violations)
  return TARGET_RENDERERS[options.target](buildModel(effective), options)
}

/** Options can come from a command line: refuse what is not an option with one sentence. */
function checkOptions(options: GenerateOptions): void {
  const issues: string[] = []
  if (!TARGETS.includes(options.target)) issues.push(`target ${String(options.target)} is not one of ${TARGETS.join(', ')}`)
  if (options.strategy !== undefined && !STRATEGY_NAMES.includes(options.strategy))
    issues.push(`strategy ${String(options.strategy)} is not one of ${STRATEGY_NAMES.join(', ')}`)
  if (options.kernel !== undefined && !KERNEL_VERSIONS.includes(options.kernel))
    issues.push(`kernel ${String(options.kernel)} is not one of ${KERNEL_VERSIONS.join(', ')}`)
  if (options.clangFormat !== undefined && !['auto', 'always', 'never'].includes(options.clangFormat))
    issues.push(`clangFormat ${String(options.clangFormat)} is not one of auto, always, never`)
  if (options.kernelRefuses !== undefined && typeof options.kernelRefuses !== 'boolean') issues.push(`kernelRefuses ${String(options.kernelRefuses)} is not true or false`)
  if (issues.length > 0) throw new CodegenError(issues)
}

/** The plan through the IR schema again: a hand-made object gets the checks of a JSON plan. */
function recheck(plan: Plan): Plan {
  checkIdentifiers(plan)
  let json: unknown
  try {
    json = encodePlan(plan)
  } catch {
    throw new PlanShapeError(['the plan is not a plan IR object; build it with the DSL or load it from JSON'])
  }
  const decoded = decodePlan(json)
  if (!decoded.ok) throw new PlanShapeError(decoded.issues.map((i) => (i.path ? `${i.path}: ${i.message}` : i.message)))
  return decoded.plan
}
