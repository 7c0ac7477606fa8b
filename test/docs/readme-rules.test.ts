/** The README's table of rules says each rule as its file does (what `dmaplan explain` and docs/rules.md print), one row per rule. */
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { RULE_IDS, RULES } from '../../src/plan/rules/registry.js'
import { ROOT } from '../support/fixtures.js'

describe("the README's rules", () => {
  it('are the rule files\' sentences, in order (code in backticks there)', () => {
    const rows = [...readFileSync(join(ROOT, 'README.md'), 'utf8').matchAll(/^\| (R\d+) \| (.*) \|$/gm)].map((m) => [m[1], (m[2] ?? '').replace(/`/g, '')])
    expect(rows).toEqual(RULE_IDS.map((id) => [id, RULES[id].rule]))
  })
})
