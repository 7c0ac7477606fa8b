/**
 * What the generator refuses, and how: a plan that breaks a rule gets the
 * rule's sentences and no code; a name that is not a C identifier, a value
 * that is not what the IR holds, or an option that is not an option gets a
 * sentence naming it; nothing from the plan but identifiers and numbers can
 * reach the output.
 */
import { describe, expect, it } from 'vitest'
import { CodegenError, generate, PlanRuleError, PlanShapeError } from '../../src/codegen/index.js'
import type { GenerateOptions } from '../../src/codegen/index.js'
import { decodePlan, planToJson, platform, validatePlan } from '../../src/index.js'
import type { Plan } from '../../src/index.js'

function basePlan(): Plan {
  const host = platform({ kernel: '7.0', iommu: { mode: 'translated' } })
  const dev = host.device('nic0', { dmaMask: 64 })
  const buf = host.ram('buf', { pages: 2 })
  return host.plan(dev, { name: 'base' }).transaction('rx', { strategy: 'iova', dir: 'from-device' }, [buf]).deviceWrites('rx', buf).unmap('rx').build()
}

function fromJson(edit: (json: Record<string, unknown>) => void): Plan {
  const json = JSON.parse(planToJson(basePlan())) as Record<string, unknown>
  edit(json)
  const decoded = decodePlan(json)
  if (!decoded.ok) throw new Error(decoded.issues.map((i) => i.message).join('; '))
  return decoded.plan
}

function refusal(plan: Plan, options: GenerateOptions): unknown {
  let files: unknown
  try {
    files = generate(plan, options)
  } catch (e) {
    return e
  }
  throw new Error(`generated ${files instanceof Map ? [...files.keys()].join(', ') : 'files'} instead of refusing`)
}

describe('a plan that breaks a rule gives its sentences and no code', () => {
  it('R1 from JSON (iova without an IOMMU)', () => {
    const plan = fromJson((j) => {
      ;(j.platform as { iommu: { mode: string } }).iommu = { mode: 'none' } as never
    })
    for (const target of ['module', 'pseudo', 'sim-ts'] as const) {
      const e = refusal(plan, { target })
      expect(e).toBeInstanceOf(PlanRuleError)
      const sentences = (e as PlanRuleError).violations.map((v) => v.text)
      expect(sentences).toEqual(validatePlan(plan).map((v) => v.text))
      expect(sentences[0]).toMatch(/^R1: strategy iova needs a translating IOMMU, but nic0 has no IOMMU/)
      expect((e as Error).message).toBe(sentences.join('\n'))
    }
  })

  it('R9 through --kernel (iova on 6.12)', () => {
    const e = refusal(basePlan(), { target: 'module', kernel: '6.12' })
    expect(e).toBeInstanceOf(PlanRuleError)
    expect((e as Error).message).toBe(
      'R1: strategy iova needs kernel 6.16 or later (dma_iova_try_alloc) to map for nic0, but this plan targets 6.12. Use page, sg or auto, or target 6.16+.',
    )
  })

  it('R7 through --strategy (hmm on a from-device transaction)', () => {
    const e = refusal(basePlan(), { target: 'module', strategy: 'hmm' })
    expect(e).toBeInstanceOf(PlanRuleError)
    expect((e as Error).message).toBe('R7: hmm transaction rx of nic0 cannot be mapped DMA_FROM_DEVICE: hmm_dma_map_pfn() maps every page DMA_BIDIRECTIONAL.')
  })

  it('R8 (a transaction left mapped)', () => {
    const plan = fromJson((j) => {
      ;(j.steps as unknown[]).pop()
    })
    expect((refusal(plan, { target: 'pseudo' }) as Error).message).toBe(
      "R8: the plan ends with transaction rx of nic0 still mapped; unmap it, or call .keep('rx') to keep the mapping on purpose.",
    )
  })
})

describe('nothing but C identifiers reaches the output', () => {
  const evil = ['rx); system("reboot"); (', 'a b', 'x\ny', 'héllo', '9lives', `a${'b'.repeat(48)}`, '*/ evil /*', '']
  it.each(evil.map((n) => [JSON.stringify(n), n]))('a transaction named %s is refused', (_shown, name) => {
    const plan = basePlan()
    const bad = { ...plan, steps: plan.steps.map((s) => ('tx' in s ? { ...s, tx: name } : s)) } as Plan
    const e = refusal(bad, { target: 'module' })
    expect(e).toBeInstanceOf(PlanShapeError)
    expect((e as Error).message).toContain('is not a C identifier')
    expect((e as Error).message).not.toContain('\n\n')
  })

  it('names every offending name once, by what it is', () => {
    const plan = basePlan()
    const bad = {
      ...plan,
      name: 'my plan',
      regions: plan.regions.map((r) => ({ ...r, name: 'buf-1' })),
      steps: plan.steps.map((s) => ('region' in s ? { ...s, region: 'buf-1' } : s.op === 'map' ? { ...s, regions: ['buf-1'] } : s)),
    } as Plan
    const e = refusal(bad, { target: 'sim-ts' }) as PlanShapeError
    expect(e.issues).toEqual([
      'plan name "my plan" is not a C identifier (a letter or _, then letters, digits or _, at most 48 characters); the generator writes no code for it',
      'region "buf-1" is not a C identifier (a letter or _, then letters, digits or _, at most 48 characters); the generator writes no code for it',
    ])
  })

  it('refuses values the IR does not hold (a hand-made plan is checked like JSON)', () => {
    const plan = basePlan()
    const regions = plan.regions.map((r) => ({ ...r, bytes: '0x1000); evil(' as unknown as bigint }))
    const e = refusal({ ...plan, regions } as Plan, { target: 'module' })
    expect(e).toBeInstanceOf(PlanShapeError)
    const attrs = plan.steps.map((s) => (s.op === 'map' ? { ...s, attrs: ['DMA_ATTR_X | evil()'] } : s))
    expect(refusal({ ...plan, steps: attrs } as Plan, { target: 'module' })).toBeInstanceOf(PlanShapeError)
  })

  it('refuses a plan name the generated C uses for itself', () => {
    const e = refusal({ ...basePlan(), name: 'dmaplan_ram' }, { target: 'module' })
    expect(e).toBeInstanceOf(CodegenError)
    expect((e as Error).message).toBe("plan name dmaplan_ram starts with dmaplan, the prefix of the generator's own C; give the plan another name.")
  })
})

describe('options', () => {
  it.each([
    [{ target: 'elf' }, 'target elf is not one of module, harness, pseudo, sim-ts'],
    [{ target: 'module', kernel: '5.4' }, 'kernel 5.4 is not one of 6.12, 6.13, 6.14, 6.15, 6.16, 6.17, 6.18, 6.19, 7.0, 7.1, 7.2, 7.3'],
    [{ target: 'module', strategy: 'magic' }, 'strategy magic is not one of iova, page, sg, p2p-bus, hmm, blk, coherent, auto'],
  ])('%j', (options, sentence) => {
    const e = refusal(basePlan(), options as unknown as GenerateOptions)
    expect(e).toBeInstanceOf(CodegenError)
    expect((e as Error).message).toBe(sentence)
  })

  it('refuses a bidirectional block request, which the kernel cannot express, by rule R10 before writing anything', () => {
    const plan = fromJson((j) => {
      const map = (j.steps as { op: string; dir?: string }[])[0]
      if (map !== undefined) map.dir = 'bidirectional'
    })
    const e = refusal(plan, { target: 'module', strategy: 'blk' })
    expect(e).toBeInstanceOf(PlanRuleError)
    expect((e as PlanRuleError).violations.map((v) => v.rule)).toEqual(['R10'])
    expect((e as Error).message).toBe(
      'R10: transaction rx of nic0 is a bidirectional blk transaction, but a block request moves data one way (rq_dma_dir() is DMA_TO_DEVICE or DMA_FROM_DEVICE); map it to-device or from-device, or use another strategy.',
    )
  })
})
