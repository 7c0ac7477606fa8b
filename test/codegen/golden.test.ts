/**
 * Golden files: for every example and test plan, with its own strategies and
 * with each strategy as an override, what each target writes, or the rule
 * sentences it gives instead of code. Update with `npx vitest run
 * test/codegen -u` and review the diff.
 */
import { describe, expect, it } from 'vitest'
import { allCases, bundle, render, VARIANTS } from './cases.js'
import type { Target } from '../../src/codegen/index.js'

const TARGETS: readonly Target[] = ['module', 'pseudo', 'sim-ts']
const cases = await allCases()

describe.each(cases.map((c) => [c.id, c] as const))('%s', (id, c) => {
  it.each(VARIANTS.map((v) => [v]))('%s', async (variant) => {
    const refused = render(c, variant, 'pseudo')
    if ('refused' in refused) {
      expect(refused.refused.length).toBeGreaterThan(0)
      await expect(`${refused.refused.join('\n')}\n`).toMatchFileSnapshot(`__golden__/${id}/${variant}.refused.txt`)
      return
    }
    for (const target of TARGETS) {
      const r = render(c, variant, target)
      if (!('files' in r)) throw new Error(`${id} ${variant}: ${target} refused what pseudo rendered: ${r.refused.join(' ')}`)
      await expect(bundle(r.files)).toMatchFileSnapshot(`__golden__/${id}/${variant}.${target}.txt`)
    }
  })
})
