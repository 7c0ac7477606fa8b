/**
 * Invalid plan fixtures: files whose lines carry `// error: Rn` markers where
 * the compiler must report rule Rn. Each file either default-exports a plan
 * (examples/invalid) or exports thunks that build one plan each
 * (test/fixtures/invalid); evaluating them throws PlanRuleError.
 */
import { readdirSync, readFileSync } from 'node:fs'
import { join, resolve } from 'node:path'
import { createJiti } from 'jiti'
import { PlanRuleError } from '../../src/dsl/errors.js'
import { RULES } from '../../src/plan/rules/registry.js'
import type { RuleInfo } from '../../src/plan/rules/registry.js'

export const ROOT = resolve(import.meta.dirname, '../..')

export function invalidFixtureFiles(): string[] {
  const dirs = ['examples/invalid', 'test/fixtures/invalid']
  return dirs.flatMap((d) => {
    const dir = join(ROOT, d)
    let names: string[] = []
    try {
      names = readdirSync(dir).filter((f) => f.endsWith('.ts'))
    } catch {
      return []
    }
    return names.sort().map((f) => join(dir, f))
  })
}

export interface Marker {
  readonly file: string
  readonly line: number
  readonly rule: string
}

export function markers(file: string): Marker[] {
  return readFileSync(file, 'utf8')
    .split('\n')
    .flatMap((text, i) => {
      const m = text.match(/\/\/ error: (R\d+)\b/)
      return m ? [{ file, line: i + 1, rule: m[1] as string }] : []
    })
}

/** The markers the compiler reports: a rule only the run time checks (RuleInfo.runTimeOnly) has markers it leaves alone. */
export function typeLevelMarkers(file: string): Marker[] {
  return markers(file).filter((m) => (RULES as Record<string, RuleInfo>)[m.rule]?.runTimeOnly !== true)
}

/** The sentences the run-time validator reports for each plan in a fixture file. */
export async function runtimeSentences(file: string): Promise<string[]> {
  return (await runtimeFindings(file)).map((f) => f.text)
}

/** The findings (rule id and sentence) the run-time validator reports for each plan in a fixture file. */
export async function runtimeFindings(file: string): Promise<{ rule: string; text: string }[]> {
  const jiti = createJiti(import.meta.url, { moduleCache: false })
  const sentences: { rule: string; text: string }[] = []
  const collect = (e: unknown) => {
    if (!(e instanceof Error) || e.name !== 'PlanRuleError') throw e
    for (const v of (e as PlanRuleError).violations) sentences.push({ rule: v.rule, text: v.text })
  }
  let mod: Record<string, unknown>
  try {
    mod = (await jiti.import(file)) as Record<string, unknown>
  } catch (e) {
    collect(e)
    return sentences
  }
  for (const [name, value] of Object.entries(mod)) {
    if (typeof value !== 'function') continue
    try {
      value()
    } catch (e) {
      collect(e)
      continue
    }
    throw new Error(`${file}: case ${name} builds without a rule violation`)
  }
  return sentences
}
