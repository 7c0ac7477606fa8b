/** The plans of examples/*.ts, loaded with jiti so that their `import ... from 'dmaplan'` is this checkout's source. */
import { readdirSync } from 'node:fs'
import { join } from 'node:path'
import { createJiti } from 'jiti'
import type { Plan } from '../../src/index.js'
import { ROOT } from './fixtures.js'

export async function exampleFiles(): Promise<string[]> {
  const dir = join(ROOT, 'examples')
  try {
    return readdirSync(dir)
      .filter((f) => f.endsWith('.ts'))
      .sort()
      .map((f) => join(dir, f))
  } catch {
    return []
  }
}

// One loader for all examples: the checkout's sources are transformed and run once per test file, not once per example.
const jiti = createJiti(import.meta.url, { alias: { dmaplan: join(ROOT, 'src/index.ts') } })

export async function loadExample(file: string): Promise<Plan> {
  const mod = (await jiti.import(file)) as { default?: Plan }
  if (mod.default === undefined) throw new Error(`${file} exports no plan`)
  return mod.default
}
