/**
 * What the generator's tests render: every example (examples/*.ts, loaded
 * with jiti) and every plan of plans.ts, each with its own strategies and
 * with every strategy as an override, for the plan's kernel and the extra
 * kernels a test plan asks for.
 */
import { CodegenError, generate, PlanRuleError } from '../../src/codegen/index.js'
import type { GeneratedFiles, Target } from '../../src/codegen/index.js'
import type { KernelVersion, Plan, Strategy } from '../../src/index.js'
import { exampleFiles, loadExample } from '../support/examples.js'
import { TEST_PLANS } from './plans.js'

export { exampleFiles, loadExample }

export const STRATEGIES: readonly Strategy[] = ['iova', 'page', 'sg', 'p2p-bus', 'hmm', 'blk', 'coherent', 'auto']

export interface Case {
  /** plan name, or plan name@kernel */
  readonly id: string
  readonly plan: Plan
  readonly kernel?: KernelVersion
}

export async function allCases(): Promise<Case[]> {
  const cases: Case[] = []
  for (const file of await exampleFiles()) {
    const plan = await loadExample(file)
    cases.push({ id: plan.name, plan })
  }
  for (const t of TEST_PLANS) {
    cases.push({ id: t.plan.name, plan: t.plan })
    for (const kernel of t.kernels ?? []) cases.push({ id: `${t.plan.name}@${kernel}`, plan: t.plan, kernel })
  }
  return cases
}

/** The plan's own strategies ('plan'), then each strategy as an override. */
export const VARIANTS: readonly ('plan' | Strategy)[] = ['plan', ...STRATEGIES]

export type Rendered = { readonly files: GeneratedFiles } | { readonly refused: readonly string[] }

export function render(c: Case, variant: 'plan' | Strategy, target: Target): Rendered {
  try {
    const files = generate(c.plan, {
      target,
      ...(variant !== 'plan' ? { strategy: variant } : {}),
      ...(c.kernel !== undefined ? { kernel: c.kernel } : {}),
    })
    return { files }
  } catch (e) {
    if (e instanceof PlanRuleError) return { refused: e.violations.map((v) => v.text) }
    if (e instanceof CodegenError) return { refused: e.issues }
    throw e
  }
}

/** Several files as one text, for one golden file. */
export function bundle(files: GeneratedFiles): string {
  return [...files].map(([path, text]) => `==> ${path} <==\n${text}`).join('\n')
}
