/** docs/rules.md is written from the rule files; the committed copy must be the current one (npm run schema writes it). */
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { RULE_IDS } from '../../src/plan/rules/registry.js'
import { rulesMarkdown } from '../../src/plan/rules/rules-doc.js'
import { ROOT } from '../support/fixtures.js'

describe('docs/rules.md', () => {
  it('is the rule files as they are', () => {
    expect(readFileSync(join(ROOT, 'docs/rules.md'), 'utf8')).toBe(rulesMarkdown())
  })

  it('has one section per rule, in the order of the ids, then how to add one', () => {
    const headings = rulesMarkdown()
      .split('\n')
      .filter((l) => /^## R\d+:/.test(l))
      .map((l) => l.slice(3, l.indexOf(':')))
    expect(headings).toEqual([...RULE_IDS])
    expect(rulesMarkdown().split('\n').filter((l) => l.startsWith('## ')).at(-1)).toBe('## Adding a rule')
  })
})
