/**
 * The type level and the run time agree on random plans: plans of the
 * random-plan property (test/sim/random-plans.ts), accepted and refused,
 * are written as literal DSL (test/sim/plan-to-ts.ts), type-checked as one
 * program (TypeScript 7's native compiler, as `dmaplan check` runs it; the
 * TypeScript 6 API where it is not installed) and run as written. For each:
 * - a plan the run time refuses by rules the types carry (not runTimeOnly)
 *   is refused at type level by at least one of them;
 * - a rule the type level names is one the run time refuses the plan by;
 * - a plan the run time accepts has no type error at all, and no
 *   diagnostic of any plan fails to name a rule.
 * What the types cannot know is listed in LIMITS with the reason, each
 * still seen in the sample (else it goes).
 */
import { execFile } from 'node:child_process'
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { join, relative, resolve } from 'node:path'
import fc from 'fast-check'
import { Project, ts } from 'ts-morph'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { fromDiagnostic } from '../../src/cli/diagnostic-rule.js'
import { parseTscReport, tsc7Binary, tsc7Command } from '../../src/cli/native-typecheck.js'
import { PLAN_COMPILER_OPTIONS } from '../../src/cli/plan-tsconfig.js'
import type { Plan } from '../../src/plan/ir.js'
import { RULES } from '../../src/plan/rules/registry.js'
import type { RuleInfo } from '../../src/plan/rules/registry.js'
import { comboPlan } from '../sim/combo-gen.js'
import { planBody, planSource, runPlanBody } from '../sim/plan-to-ts.js'
import { randomPlan } from '../sim/random-plans.js'
import type { RandomPlan } from '../sim/random-plans.js'
import { ROOT } from '../support/fixtures.js'

/** Random plans drawn; about half have a DSL spelling (plan-to-ts.ts says which do not). */
const DRAWN = Number(process.env.DRAWN ?? 1000)
const SEED = Number(process.env.SEED ?? 20261205)

/** A disagreement the types cannot avoid: what they do not carry, and how to recognise it. */
export const LIMITS: readonly { readonly id: string; readonly why: string; readonly matches: (d: Disagreement) => boolean }[] = []

export interface Disagreement {
  readonly plan: RandomPlan
  /** The rules the run time refuses the plan by. */
  readonly runTime: readonly string[]
  /** What each diagnostic names: a rule, or TS<code> when it names none. */
  readonly typeLevel: readonly string[]
  readonly what: string
}

interface Case {
  readonly plan: RandomPlan
  readonly ir: Plan
  readonly file: string
  readonly runTime: readonly string[]
}

const typeOnly = (rule: string) => (RULES as Record<string, RuleInfo>)[rule]?.runTimeOnly !== true

/** What the run time says of the written plan, run as written: the rules of its refusal, none when it builds. */
function runTimeRules(body: string): string[] {
  try {
    runPlanBody(body)
    return []
  } catch (e) {
    if (!(e instanceof Error) || e.name !== 'PlanRuleError') throw e
    return [...new Set((e as Error & { violations: readonly { rule: string }[] }).violations.map((v) => v.rule))]
  }
}

/** Each file's diagnostics (rule or TS code, and text), from one program. */
async function typeCheck(dir: string, files: readonly string[]): Promise<{ byFile: Map<string, { rule: string; text: string }[]>; compiler: string }> {
  const byFile = new Map<string, { rule: string; text: string }[]>(files.map((f) => [f, []]))
  const add = (file: string, line: number, code: number, text: string) => {
    const d = fromDiagnostic(`${file}:${line}`, code, text)
    const list = byFile.get(file)
    if (list === undefined) throw new Error(`a diagnostic outside the plans: ${file}:${line} TS${code} ${text}`)
    list.push({ rule: d.rule, text: d.message })
  }
  const bin = tsc7Binary()
  if (bin !== undefined) {
    const tsconfig = join(dir, 'tsconfig.json')
    writeFileSync(tsconfig, JSON.stringify({ compilerOptions: { ...PLAN_COMPILER_OPTIONS, noEmit: true }, files: files.map((f) => relative(dir, f)) }))
    const [command, ...prefix] = tsc7Command(bin)
    const report = await new Promise<string>((done, fail) =>
      execFile(command, [...prefix, '-p', tsconfig, '--pretty', 'false'], { cwd: dir, encoding: 'utf8', maxBuffer: 1 << 28 }, (error, stdout, stderr) => {
        const code = error === null ? 0 : error.code
        if (typeof code === 'number' && code <= 2) done(stdout)
        else fail(new Error(`tsc: ${error?.message} ${stderr}`))
      }),
    )
    const diagnostics = parseTscReport(report, dir)
    if (diagnostics === undefined) throw new Error(`tsc's report is not diagnostics:\n${report.slice(0, 2000)}`)
    // Diagnostics in the package's own sources (compiled for the plans' sake, with the plans' options) are not the plans'.
    for (const d of diagnostics) if (d.file.startsWith(dir)) add(d.file, d.line, d.code, d.text)
    return { byFile, compiler: 'tsc 7' }
  }
  const project = new Project({
    compilerOptions: { strict: true, noEmit: true, skipLibCheck: true, target: ts.ScriptTarget.ES2022, module: ts.ModuleKind.NodeNext, moduleResolution: ts.ModuleResolutionKind.NodeNext, types: [] },
  })
  const sources = files.map((f) => project.addSourceFileAtPath(f))
  for (const s of sources)
    for (const d of s.getPreEmitDiagnostics()) add(resolve(s.getFilePath()), d.getLineNumber() ?? 0, d.getCode(), ts.flattenDiagnosticMessageText(d.compilerObject.messageText, '\n  '))
  return { byFile, compiler: 'TypeScript 6 API' }
}

/** What is wrong between the two verdicts of one plan, or undefined when they agree. */
function disagreement(runTime: readonly string[], typeLevel: readonly string[]): string | undefined {
  const ruleless = typeLevel.filter((r) => !/^R\d+$/.test(r))
  if (ruleless.length > 0) return `a type error that names no rule (${ruleless.join(', ')})`
  if (runTime.length === 0) return typeLevel.length > 0 ? 'the run time accepts what the types refuse' : undefined
  const expected = runTime.filter(typeOnly)
  if (expected.length > 0 && !typeLevel.some((r) => expected.includes(r))) return `the types do not refuse it by ${expected.join(' or ')}`
  const stray = typeLevel.filter((r) => !runTime.includes(r))
  if (stray.length > 0) return `the types name ${stray.join(', ')}, which the run time does not`
  return undefined
}

const dir = mkdtempSync(join(ROOT, 'test', 'types', '.random-agreement-'))
afterAll(() => { if (process.env.KEEP_DIR === undefined) rmSync(dir, { recursive: true, force: true }) })

const cases: Case[] = []
const skipped = new Map<string, number>()
let drawn = 0
let typeLevel = new Map<string, { rule: string; text: string }[]>()
let seconds = 0
let compiler = ''

beforeAll(async () => {
  for (const plan of fc.sample(randomPlan, { numRuns: DRAWN, seed: SEED })) {
    const made = comboPlan(plan, plan.seed, { granule: plan.granule })
    if ('impossible' in made) continue
    drawn++
    const w = planBody(made.plan)
    if ('unwritable' in w) {
      const why = w.unwritable.replace(/\d+/g, 'N')
      skipped.set(why, (skipped.get(why) ?? 0) + 1)
      continue
    }
    const file = join(dir, `p${cases.length}.ts`)
    writeFileSync(file, `// ${JSON.stringify(plan)}\n${planSource(w.body, '../../../src/index.js')}`)
    cases.push({ plan, ir: made.plan, file, runTime: runTimeRules(w.body) })
  }
  const start = performance.now()
  ;({ byFile: typeLevel, compiler } = await typeCheck(dir, cases.map((c) => c.file)))
  seconds = (performance.now() - start) / 1000
}, 120_000)

describe('random plans: type level and run time agree', () => {
  it('names the same rules, accepts the same plans', () => {
    const found: Disagreement[] = []
    for (const c of cases) {
      const types = (typeLevel.get(c.file) ?? []).map((d) => d.rule)
      const what = disagreement(c.runTime, types)
      if (what !== undefined) found.push({ plan: c.plan, runTime: c.runTime, typeLevel: types, what })
    }
    const limited = new Map<string, number>()
    const real = found.filter((d) => {
      const limit = LIMITS.find((l) => l.matches(d))
      if (limit !== undefined) limited.set(limit.id, (limited.get(limit.id) ?? 0) + 1)
      return limit === undefined
    })
    const refused = cases.filter((c) => c.runTime.length > 0).length
    console.log(
      `type agreement: ${drawn} plans, ${drawn - refused - [...skipped.values()].reduce((a, b) => a + b, 0)} accepted, ${refused} refused, ${cases.length} type-checked in ${seconds.toFixed(1)} s, ${real.length} disagreements`,
    )
    console.log(
      `  ${compiler}; not written (no DSL spelling): ${[...skipped].map(([w, n]) => `${w} ${n}`).join('; ') || 'none'}; limits of the types: ${[...limited].map(([id, n]) => `${id} ${n}`).join(', ') || 'none'}`,
    )
    for (const d of real.slice(0, 10)) console.log(`  ${JSON.stringify(d.plan)}: ${d.what}; run time ${d.runTime.join(',') || 'accepts'}; types ${d.typeLevel.join(',') || 'accept'}`)
    expect(real.map((d) => `${JSON.stringify(d.plan)}: ${d.what}`)).toEqual([])
    expect(LIMITS.filter((l) => !limited.has(l.id)).map((l) => l.id), 'limits no plan shows any more: remove them').toEqual([])
  })

  it('the sample has accepted plans and plans refused by several rules', () => {
    expect(cases.filter((c) => c.runTime.length === 0).length).toBeGreaterThan(50)
    expect(new Set(cases.flatMap((c) => c.runTime)).size).toBeGreaterThan(3)
  })
})
