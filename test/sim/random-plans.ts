/**
 * The property over ten thousand random plans (random-plans-*.test.ts):
 * what one plan is (every axis a fast-check arbitrary, so a failure shrinks
 * axis by axis), and the checks made of it.
 *
 * Axes: kernel release, IOMMU mode, granule and flush mode, confidential
 * guest, the switch topology a memory kind implies, strategy, memory kind;
 * the seed draws the rest (device, regions, direction, driver steps, the
 * order of accesses: combo-gen.ts); failAt injects a failure at that
 * fallible call of the run.
 *
 * Checks:
 * - the rules' verdict: a refusal names rules that exist, each sentence
 *   starting with its rule (the type level speaks the same sentences:
 *   test/types);
 * - a plan the rules accept simulates with no defect the plan causes
 *   (plan-defects.ts) unless a failure was injected;
 * - injected or not, after the last unmap no IOVA, page-table entry,
 *   bounce slot or dma-debug entry is left, and no LEAK is reported;
 * - the generated C module for it is produced, laid out by the generator.
 */
import fc from 'fast-check'
import { generate } from '../../src/codegen/index.js'
import type { IommuMode, Plan } from '../../src/plan/ir.js'
import { KERNEL_VERSIONS } from '../../src/plan/kernel.js'
import type { KernelVersion } from '../../src/plan/kernel.js'
import type { MemoryKind } from '../../src/plan/memory-kind.js'
import { RULES } from '../../src/plan/rules/registry.js'
import { validatePlan } from '../../src/plan/rules/validate.js'
import { runPlan } from '../../src/sim/run/simulate.js'
import { STRATEGY_NAMES } from '../../src/strategies/index.js'
import type { Strategy } from '../../src/plan/ir.js'
import { comboPlan } from './combo-gen.js'
import { NO_QUIRKS, planDefects } from './plan-defects.js'

export interface RandomPlan {
  readonly kernel: KernelVersion
  readonly iommu: IommuMode
  readonly granule: 4096 | 16384 | 65536
  readonly coco: boolean
  readonly strategy: Strategy
  readonly kind: MemoryKind
  readonly seed: number
  /** The fallible call at which a failure is injected (0: none). */
  readonly failAt: number
}

export const randomPlan: fc.Arbitrary<RandomPlan> = fc.record({
  kernel: fc.constantFrom(...KERNEL_VERSIONS),
  iommu: fc.constantFrom<IommuMode>('translated', 'passthrough', 'none'),
  granule: fc.constantFrom<4096 | 16384 | 65536>(4096, 16384, 65536),
  coco: fc.boolean(),
  strategy: fc.constantFrom(...STRATEGY_NAMES),
  kind: fc.constantFrom<MemoryKind>('normal', 'encrypted', 'p2p-bus', 'p2p-host-bridge', 'p2p-unsupported'),
  seed: fc.integer({ min: 1, max: 2 ** 31 - 1 }),
  failAt: fc.oneof({ weight: 4, arbitrary: fc.constant(0) }, { weight: 1, arbitrary: fc.integer({ min: 1, max: 12 }) }),
})

export type Verdict = 'impossible' | 'refused' | 'simulated' | 'injected'

/**
 * Failures the property found that are not fixed yet, each with what is
 * known of it. A failure must match one to pass; each must still match a
 * failure of the run (random-plans-run.ts), so that the entry goes when the
 * gap is closed. Their shrunk plans are in random-plans.regressions.ts.
 */
export const KNOWN_GAPS: readonly { readonly id: string; readonly why: string; readonly matches: (p: RandomPlan, failure: string) => boolean }[] = []

const RULE_IDS = new Set<string>(Object.keys(RULES))

/** The checks of one plan: what became of it, or the first thing that is wrong. */
export function checkRandomPlan(p: RandomPlan): { verdict: Verdict } | { failure: string } {
  const made = comboPlan(p, p.seed, { granule: p.granule })
  if ('impossible' in made) return { verdict: 'impossible' }
  const plan: Plan = made.plan
  const violations = validatePlan(plan)
  if (violations.length > 0) {
    for (const v of violations)
      if (!RULE_IDS.has(v.rule) || !v.text.startsWith(`${v.rule}: `)) return { failure: `a refusal that names no rule of the table: ${v.rule} ${v.text}` }
    return { verdict: 'refused' }
  }
  const { result, machine } = runPlan(plan, { changes: NO_QUIRKS, ...(p.failAt > 0 ? { failAtCall: p.failAt } : {}) })
  const injected = result.faultInjection.injectedCallSeq !== undefined
  const t = result.teardown
  if (t.keptTransactions.length === 0) {
    const left = { iova: t.liveIovaPages, ptes: t.livePtes, bounce: t.bounceSlots, debug: t.dmaDebugEntries }
    if (Object.values(left).some((n) => n !== 0)) return { failure: `left behind after the last unmap: ${JSON.stringify(left)}` }
  }
  const leaks = result.findings.filter((f) => f.id === 'LEAK')
  if (leaks.length > 0) return { failure: `LEAK ${leaks[0]?.message}` }
  if (!injected) {
    const { defects } = planDefects(plan, result, machine)
    if (defects.length > 0) return { failure: `${defects[0]?.id} ${defects[0]?.message}` }
    if (result.data.errors.length > 0) return { failure: `data: ${JSON.stringify(result.data.errors[0])}` }
  }
  const files = generate(plan, { target: 'module', clangFormat: 'never' })
  const c = files.get(`${plan.name}.c`)
  if (c === undefined || !c.includes(`static int ${plan.name}_dmaplan_probe(`)) return { failure: 'the generated module has no probe' }
  return { verdict: injected ? 'injected' : 'simulated' }
}
