/**
 * The built command line on random argument lists, in a directory of its
 * own holding a valid plan: verbs, their options with and without values,
 * the plan file and random words, each run as a process. Every run ends
 * with 0, 1 or 2, within the time limit, and prints no stack trace. The
 * parser itself is fuzzed in the fast tier (test/fuzz/command-line.test.ts);
 * here the verbs run behind it.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import fc from 'fast-check'
import { afterAll, describe, expect, it } from 'vitest'
import { GEN_OPTIONS, IMPORT_OPTIONS, SIMULATE_ONLY_OPTIONS } from '../../src/cli/verb-options.js'
import { dmaplan } from '../support/cli.js'
import { jsonPlan, map, op } from '../support/plans.js'

const dir = mkdtempSync(join(tmpdir(), 'dmaplan-argv-'))
afterAll(() => rmSync(dir, { recursive: true, force: true }))
writeFileSync(join(dir, 'plan.json'), JSON.stringify(jsonPlan({ steps: [map('t', 'page', 'to-device', ['buf']), op('unmap', { tx: 't' })] })))

const OPTIONS = [...new Set([...Object.keys(GEN_OPTIONS), ...Object.keys(IMPORT_OPTIONS), ...Object.keys(SIMULATE_ONLY_OPTIONS), 'json', 'help'])]
// Words without a slash (whatever a verb writes stays in the run's directory) or a NUL (no process argument holds one).
const word = fc.string({ maxLength: 6, unit: fc.constantFrom(...'abcxyz019-_.=: \u00e9\n'.split('')) })
const token = fc.oneof(
  { weight: 3, arbitrary: fc.constantFrom('check', 'simulate', 'gen', 'plan', 'compare', 'explain', 'import', 'init', 'toString', 'plan.json', 'plan.json', 'missing.json', '.') },
  { weight: 3, arbitrary: fc.constantFrom(...OPTIONS).map((o) => `--${o}`) },
  { weight: 1, arbitrary: fc.tuple(fc.constantFrom(...OPTIONS), word).map(([o, v]) => `--${o}=${v}`) },
  { weight: 1, arbitrary: fc.constantFrom('-', '--', '-h', '-x', 'R7', 'K-C3', '7.0', '6.12', 'sg', 'iova', 'out', 'c') },
  { weight: 1, arbitrary: word },
)

describe('the command line on random arguments', () => {
  const lists = fc.sample(fc.array(token, { minLength: 1, maxLength: 5 }), { numRuns: 60, seed: 20261205 })
  it(`ends 60 random argument lists with 0, 1 or 2, within the time limit and without a stack trace`, () => {
    for (const argv of lists) {
      const r = dmaplan(argv, { cwd: dir, timeoutMs: 60_000 })
      const what = JSON.stringify(argv)
      expect([0, 1, 2], `${what}: exit ${r.status}\n${r.stderr}`).toContain(r.status)
      expect(r.stderr, what).not.toMatch(/\n\s+at .+:\d+:\d+\)?\n/)
    }
  }, 600_000)
})
