/**
 * The scenarios of test/kernel/scenarios, loaded with jiti so that their
 * `import ... from 'dmaplan'` is this checkout's source (as for examples/).
 */
import { readdirSync } from 'node:fs'
import { join } from 'node:path'
import { createJiti } from 'jiti'
import { ROOT } from '../../support/fixtures.js'
import type { Scenario } from './scenario.js'

export const SCENARIO_DIR = join(ROOT, 'test/kernel/scenarios')

export async function loadScenarios(): Promise<Scenario[]> {
  const jiti = createJiti(import.meta.url, { alias: { dmaplan: join(ROOT, 'src/index.ts') }, moduleCache: false })
  const files = readdirSync(SCENARIO_DIR)
    .filter((f) => f.endsWith('.ts') && f !== 'platforms.ts')
    .sort()
  const out: Scenario[] = []
  for (const f of files) {
    const mod = (await jiti.import(join(SCENARIO_DIR, f))) as { default?: Scenario }
    if (mod.default === undefined) throw new Error(`${f} exports no scenario`)
    out.push(mod.default)
  }
  const names = new Set<string>()
  for (const s of out) {
    if (names.has(s.plan.name)) throw new Error(`two scenarios are named ${s.plan.name}: each is a module of its own`)
    names.add(s.plan.name)
  }
  return out
}
