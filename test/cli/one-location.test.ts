/**
 * One mistake, one place: tsc, `check` and `simulate` put each rule broken
 * at the same line and column. The compiler marks an argument of a builder
 * call; the run time knows the call (its stack frame) and which argument
 * (Violation.focus), and reads the call's source to find it
 * (src/cli/call-arguments.ts), whichever loader ran the plan: the source
 * loader (simulate: on Node 20 types stripped by oxc-transform, with a
 * source map), jiti, or the native compiler's emitted JavaScript with its
 * source map (check).
 */
import { readFileSync } from 'node:fs'
import { createJiti } from 'jiti'
import { beforeAll, describe, expect, it } from 'vitest'
import { focusPosition } from '../../src/cli/call-arguments.js'
import { loadPlanFile, locatedInSource } from '../../src/cli/load-plan.js'
import type { Located } from '../../src/cli/location.js'
import { showPath } from '../../src/cli/location.js'
import { compileNative, nativeViolations } from '../../src/cli/native-typecheck.js'
import type { NativeResult } from '../../src/cli/native-typecheck.js'
import { typecheckPlan } from '../../src/cli/typecheck.js'
import { captureSource } from '../../src/dsl/source.js'
import type { Violation } from '../../src/plan/rules/validate.js'
import { RULES } from '../../src/plan/rules/registry.js'
import type { RuleInfo } from '../../src/plan/rules/registry.js'
import { invalidFixtureFiles, markers } from '../support/fixtures.js'

const placed = (vs: readonly Located[]) => vs.map((v) => `${v.where} ${v.rule}`)
const runTimeOnly = (rule: string) => (RULES as Record<string, RuleInfo>)[rule]?.runTimeOnly === true
const lineOf = (where: string) => Number(where.split(':').at(-2))

/** Every plan of a fixture file run with its call sites captured: the violations each one's build() throws. */
async function thrownViolations(file: string): Promise<Violation[]> {
  const jiti = createJiti(import.meta.url, { moduleCache: false, sourceMaps: true })
  const out: Violation[] = []
  captureSource(true)
  try {
    const mod = (await jiti.import(file)) as Record<string, unknown>
    for (const value of Object.values(mod)) {
      if (typeof value !== 'function') continue
      try {
        value()
      } catch (e) {
        if ((e as Error).name !== 'PlanRuleError') throw e
        out.push(...(e as { violations: Violation[] }).violations)
      }
    }
  } finally {
    captureSource(false)
  }
  return out
}

describe('reading a builder call\'s arguments (call-arguments.ts)', () => {
  const source = [
    'host',
    '  .plan(nic) // a comment with transaction( in it',
    "  .transaction('a,b', { strategy: `x${f({ y: [1, 2] })}`, /* , */ dir: 'to-device', attrs: ['A', \"B\"] }, [buf, hdr])",
    '  .build()',
  ].join('\n')
  const at = (path: readonly (number | string)[], column = 1) => focusPosition(source, { line: 3, column }, 'transaction', path)

  it('finds the call on its line when the loader gives no column, and each argument past strings, templates and comments', () => {
    expect(at([])).toEqual({ line: 3, column: 4 })
    expect(at([0])).toEqual({ line: 3, column: 16 })
    expect(at([1, 'dir'])).toEqual({ line: 3, column: source.split('\n')[2]?.indexOf('dir:') as number + 1 })
    expect(at([1, 'attrs', 1])).toEqual({ line: 3, column: source.split('\n')[2]?.indexOf('"B"') as number + 1 })
    expect(at([2, 1])).toEqual({ line: 3, column: source.split('\n')[2]?.indexOf('hdr') as number + 1 })
  })

  it('stops at the deepest node the source writes out: an argument that is a variable is marked where it stands', () => {
    const s = "p.transaction('t', opts, regions)"
    expect(focusPosition(s, { line: 1, column: 3 }, 'transaction', [1, 'strategy'])).toEqual({ line: 1, column: 20 })
    expect(focusPosition(s, { line: 1, column: 3 }, 'transaction', [2, 5])).toEqual({ line: 1, column: 26 })
    expect(focusPosition(s, { line: 1, column: 1 }, 'unmap', [0])).toBeUndefined()
  })
})

describe('tsc, check and simulate put each violation at the same line and column', () => {
  const examples = invalidFixtureFiles().filter((f) => f.includes('/examples/'))
  const fixtures = invalidFixtureFiles().filter((f) => !f.includes('/examples/'))
  let native: ReadonlyMap<string, NativeResult> | undefined
  beforeAll(async () => {
    native = await compileNative(examples)
  }, 120_000)

  for (const file of examples) {
    it(`on ${showPath(file)}: the compilers, the plan stripped here and the plan run by jiti`, async () => {
      const tsc = placed(typecheckPlan([file]).get(file) ?? [])
      if (native !== undefined) expect(placed(await nativeViolations(file, native.get(file) as NativeResult))).toEqual(tsc)
      const simulate = placed((await loadPlanFile(file)).violations)
      process.env.DMAPLAN_LOADER = 'jiti'
      const jiti = placed((await loadPlanFile(file).finally(() => delete process.env.DMAPLAN_LOADER)).violations)
      expect(simulate).toEqual(jiti)
      expect(simulate.filter((v) => !runTimeOnly(v.split(' ')[1] as string))).toEqual(tsc)
      // Not vacuous: every marker of the file is reported, on its line.
      expect(simulate.map((v) => `${lineOf(v)} ${v.split(' ')[1]}`)).toEqual(markers(file).map((m) => `${m.line} ${m.rule}`))
    }, 60_000)
  }

  for (const file of fixtures) {
    it(`on ${showPath(file)}: every plan's violations where the compiler puts them`, async () => {
      const tsc = placed(typecheckPlan([file]).get(file) ?? [])
      const runtime = placed(await locatedInSource(await thrownViolations(file), showPath(file)))
      expect(runtime.filter((v) => !runTimeOnly(v.split(' ')[1] as string)).sort()).toEqual([...tsc].sort())
      expect(runtime.map((v) => `${lineOf(v)} ${v.split(' ')[1]}`).sort()).toEqual(markers(file).map((m) => `${m.line} ${m.rule}`).sort())
    }, 60_000)
  }
})
