/**
 * A plan the rules accept never simulates to a defect the plan itself
 * causes. One plan for every combination of kernel release, IOMMU mode,
 * confidential guest, strategy and memory kind (the rest drawn from a
 * seed, driver steps included), handed to the rules as it is: what they
 * accept is simulated and must end with its data intact, every mapping
 * made and nothing left behind. A map that fails because of where memory
 * or the pool landed (an address above the mask, a full swiotlb) is the
 * platform's answer, reported as the kernel reports it: it is counted, not
 * a defect. So is a kernel bug the model reproduces: each is switched off
 * here, as in properties.test.ts, and has its own test.
 */
import { describe, expect, it } from 'vitest'
import { KERNEL_VERSIONS } from '../../src/plan/kernel.js'
import type { IommuMode } from '../../src/plan/ir.js'
import type { MemoryKind } from '../../src/plan/memory-kind.js'
import { validatePlan } from '../../src/plan/rules/validate.js'
import { runPlan } from '../../src/sim/run/simulate.js'
import { STRATEGY_NAMES } from '../../src/strategies/index.js'
import { comboPlan } from './combo-gen.js'
import type { Combo } from './combo-gen.js'
import { NO_QUIRKS, planDefects } from './plan-defects.js'

const MODES: readonly IommuMode[] = ['translated', 'passthrough', 'none']
const KINDS: readonly MemoryKind[] = ['normal', 'encrypted', 'p2p-bus', 'p2p-host-bridge', 'p2p-unsupported']
/**
 * Defects the rules do not yet prevent, each with what is missing. A plan
 * that fails must match one; each must still match a plan, so that the
 * entry goes when the rules learn it.
 */
const KNOWN: readonly { readonly why: string; readonly matches: (c: Combo, finding: string) => boolean }[] = []

const AXES = { kernel: KERNEL_VERSIONS, iommu: MODES, coco: ['false', 'true'], strategy: STRATEGY_NAMES, kind: KINDS } as const

function* combos(): Generator<Combo> {
  for (const kernel of AXES.kernel)
    for (const iommu of AXES.iommu)
      for (const coco of [false, true])
        for (const strategy of AXES.strategy) for (const kind of AXES.kind) yield { kernel, iommu, coco, strategy, kind }
}

describe('plans the rules accept', () => {
  it('simulate with no DATA, MAP or LEAK defect the plan causes, over every platform combination × strategy × memory kind', () => {
    const counts = { combos: 0, impossible: 0, refused: 0, accepted: 0, placement: 0 }
    const failures: string[] = []
    const seen = new Set<number>()
    const reached = new Set<string>()
    let seed = 1
    for (const c of combos()) {
      counts.combos++
      const made = comboPlan(c, seed++)
      if ('impossible' in made) {
        counts.impossible++
        continue
      }
      if (validatePlan(made.plan).length > 0) {
        counts.refused++
        continue
      }
      counts.accepted++
      for (const [axis, v] of Object.entries(c)) reached.add(`${axis}=${String(v)}`)
      const { result, machine } = runPlan(made.plan, { changes: NO_QUIRKS })
      const { placed, defects } = planDefects(made.plan, result, machine)
      if (placed.size > 0) counts.placement++
      if (defects.length > 0 || result.data.errors.length > 0) {
        const text = defects.map((f) => `${f.id} ${f.message}`).join(' | ')
        const known = KNOWN.findIndex((k) => k.matches(c, text))
        if (known >= 0) {
          seen.add(known)
          continue
        }
        const what = `${c.kernel} ${c.iommu}${c.coco ? ' coco' : ''} ${c.strategy} ${c.kind} (seed ${seed - 1})`
        failures.push(`${what}: ${[...new Set(defects.map((f) => `${f.id} ${f.message.slice(0, 140)}`))].join(' | ')}`)
      }
    }
    expect(KNOWN.filter((_, i) => !seen.has(i)).map((k) => k.why), 'known defects no plan shows any more').toEqual([])
    console.log(`accepted plans: ${counts.combos} combinations, ${counts.impossible} impossible, ${counts.refused} refused by the rules, ${counts.accepted} simulated (${counts.placement} with a placement failure), ${failures.length} defects, ${seen.size} known gaps of the rules`)
    expect(failures.slice(0, 20)).toEqual([])
    // Every strategy, kind, release, IOMMU mode and guest meets the simulator somewhere, but memory no route reaches (R4 refuses it under every strategy).
    const never = Object.entries(AXES).flatMap(([axis, all]) => [...all].filter((v) => !reached.has(`${axis}=${v}`)).map((v) => `${axis}=${v}`))
    expect(never).toEqual(['kind=p2p-unsupported'])
  })
})
