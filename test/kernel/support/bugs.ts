/** The bug scenarios of test/kernel/bugs, loaded with jiti (as scenarios.ts loads the scenarios). */
import { readdirSync } from 'node:fs'
import { join } from 'node:path'
import { createJiti } from 'jiti'
import { ROOT } from '../../support/fixtures.js'
import type { Bug } from './bug.js'

export async function loadBugs(): Promise<Bug[]> {
  const dir = join(ROOT, 'test/kernel/bugs')
  // One module cache for all scenarios: the checkout's sources run once, not once per scenario.
  const jiti = createJiti(import.meta.url, { alias: { dmaplan: join(ROOT, 'src/index.ts') } })
  const out: Bug[] = []
  for (const f of readdirSync(dir).filter((x) => x.endsWith('.ts')).sort()) {
    const mod = (await jiti.import(join(dir, f))) as { default?: Bug }
    if (mod.default === undefined) throw new Error(`${f} exports no bug scenario`)
    if (out.some((b) => b.name === mod.default?.name)) throw new Error(`two bug scenarios are named ${mod.default.name}`)
    out.push(mod.default)
  }
  return out
}
