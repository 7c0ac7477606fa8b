/**
 * The run-time rules as a whole: a valid plan passes, and every rule of the
 * registry has its tests beside the others' (validate-r<n>.test.ts at run
 * time, test-d/r<n>-*.test-d.ts at the type level, an invalid fixture with
 * its marker, an example of examples/invalid), each with the exact sentence.
 */
import { readdirSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { RULE_IDS } from '../../src/plan/rules/registry.js'
import { ROOT } from '../support/fixtures.js'
import { jsonPlan, map, op } from '../support/plans.js'
import { unmap, violations } from './validate-support.js'

describe('run-time rules', () => {
  it('a valid plan has no violations', () => {
    expect(violations(jsonPlan({ steps: [map('t', 'iova', 'to-device', ['buf']), op('device-read', { tx: 't', region: 'buf' }), unmap('t')] }))).toEqual([])
  })

  it('every rule has a run-time test file, a type-level test file, an invalid fixture and an invalid example', () => {
    const runtime = readdirSync(join(ROOT, 'test/plan')).filter((f) => /^validate-r\d+\.test\.ts$/.test(f))
    const typeLevel = readdirSync(join(ROOT, 'test-d')).map((f) => f.match(/^(r\d+)-.*\.test-d\.ts$/)?.[1]).filter((r) => r !== undefined)
    const fixtures = readdirSync(join(ROOT, 'test/fixtures/invalid')).filter((f) => /^r\d+\.ts$/.test(f))
    const examples = readdirSync(join(ROOT, 'examples/invalid')).map((f) => f.match(/^(r\d+)-.*\.ts$/)?.[1]).filter((r) => r !== undefined)
    const ids = RULE_IDS.map((id) => id.toLowerCase())
    expect(runtime.sort()).toEqual(ids.map((id) => `validate-${id}.test.ts`).sort())
    expect(typeLevel.sort()).toEqual([...ids].sort())
    expect(fixtures.sort()).toEqual(ids.map((id) => `${id}.ts`).sort())
    expect(examples.sort()).toEqual([...ids].sort())
    for (const id of RULE_IDS)
      expect(readFileSync(join(ROOT, `test/fixtures/invalid/${id.toLowerCase()}.ts`), 'utf8'), id).toContain(`// error: ${id}\n`)
  })
})
