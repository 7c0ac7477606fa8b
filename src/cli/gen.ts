/**
 * dmaplan gen <plan> --out DIR: kernel C for the plan (a kbuild module), a
 * readable rendering of the same logic (pseudo), or the plan as a
 * TypeScript module (sim-ts). A plan that breaks a rule produces no code,
 * only the rules' sentences.
 */
import { CodegenError, generate, PlanRuleError, PlanShapeError, TARGETS } from '../codegen/index.js'
import type { Target } from '../codegen/index.js'
import type { Strategy } from '../plan/ir.js'
import { STRATEGY_NAMES } from '../strategies/index.js'
import { EXIT, InputError, UsageError } from './errors.js'
import { kernelOption } from './kernel-option.js'
import { loadPlanFile, violationLine } from './load-plan.js'
import { showPath } from './location.js'
import type { Output } from './output.js'
import { writeTree } from './write-output.js'
import { withoutRuleId } from '../plan/rules/sentence.js'

const STRATEGIES: readonly Strategy[] = STRATEGY_NAMES

export async function gen(file: string, values: Record<string, string | boolean | undefined>, out: Output): Promise<number> {
  const dir = values.out
  if (typeof dir !== 'string' || dir === '') throw new UsageError('gen needs --out DIR, the directory to write')
  const target = values.target as Target
  if (!TARGETS.includes(target)) throw new UsageError(`--target is one of ${TARGETS.join(', ')}, not ${target}`)
  const strategy = values.strategy as Strategy | undefined
  if (strategy !== undefined && !STRATEGIES.includes(strategy)) throw new UsageError(`--strategy is one of ${STRATEGIES.join(', ')}, not ${strategy}`)
  const kernel = kernelOption(values.kernel)

  const loaded = await loadPlanFile(file)
  if (loaded.plan === undefined) {
    for (const v of loaded.violations) out.print(violationLine(v))
    return EXIT.defect
  }
  let files
  try {
    files = generate(loaded.plan, { target, ...(strategy ? { strategy } : {}), ...(kernel ? { kernel } : {}) })
  } catch (e) {
    // The overrides can break a rule the plan itself kept: the same sentences, no code.
    if (e instanceof PlanRuleError) {
      for (const v of e.violations) out.print(`${showPath(file)} ${v.rule} ${withoutRuleId(v.rule, v.text)}`)
      return EXIT.defect
    }
    if (e instanceof PlanShapeError || e instanceof CodegenError) throw new InputError(`${showPath(file)}: ${e.issues[0] ?? e.message}`)
    throw e
  }
  await writeTree(dir, files, values.force === true)
  if (out.json) out.print(JSON.stringify({ out: dir, target, files: [...files.keys()] }, null, 2))
  else for (const path of files.keys()) out.print(`${showPath(dir)}/${path}`)
  return EXIT.clean
}
