/**
 * Every switch of src/ over a union of literals ends in
 * `default: unreachable(x)` (src/plan/unreachable.ts), so that a member
 * added to the union is a compile error wherever a switch forgets it; every
 * other switch has a default.
 */
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { ROOT } from '../support/fixtures.js'
import { switchFindings } from './switches.js'

/**
 * Files being rewritten on other branches, whose switches are not done yet.
 * A file here without findings fails the test: delete it then.
 */
const BEING_REWRITTEN: readonly string[] = []

const findings = switchFindings(ROOT, 'src')
const fileOf = (at: string) => at.replace(/:\d+$/, '')

describe('switches of src/', () => {
  it('end in unreachable() over a union, and have a default otherwise', () => {
    expect(findings.filter((f) => !BEING_REWRITTEN.includes(fileOf(f.at))).map((f) => `${f.at}: ${f.problem}`)).toEqual([])
  })

  it('still need each file the allow-list names', () => {
    expect(BEING_REWRITTEN.filter((file) => !findings.some((f) => fileOf(f.at) === file))).toEqual([])
  })
})

describe('the switch finder', () => {
  it('asks a union switch for unreachable() from src/plan/unreachable.ts, any other for a default', () => {
    const root = mkdtempSync(join(tmpdir(), 'dmaplan-switch-'))
    mkdirSync(join(root, 'src/plan'), { recursive: true })
    writeFileSync(join(root, 'tsconfig.json'), JSON.stringify({ compilerOptions: { strict: true, module: 'nodenext', types: [] }, include: ['src'] }))
    writeFileSync(join(root, 'src/plan/unreachable.ts'), 'export function unreachable(x: never): never {\n  throw new Error(String(x))\n}\n')
    const lines = [
      "import { unreachable } from './plan/unreachable.js'",
      'const other = (x: never): never => x',
      "type K = 'a' | 'b'",
      "export function done(k: K): number {\n  switch (k) {\n    case 'a':\n      return 1\n    case 'b':\n      return 2\n    default:\n      return unreachable(k)\n  }\n}",
      "export function caught(k: K): number {\n  switch (k) {\n    case 'a':\n      return 1\n    default:\n      return 2\n  }\n}",
      "export function elsewhere(k: K): number {\n  switch (k) {\n    case 'a':\n      return 1\n    case 'b':\n      return 2\n    default:\n      return other(k)\n  }\n}",
      "export function open(s: string): number {\n  switch (s) {\n    case 'a':\n      return 1\n  }\n  return 0\n}",
      "export function openDefault(s: string): number {\n  switch (s) {\n    case 'a':\n      return 1\n    default:\n      return 0\n  }\n}",
    ]
    writeFileSync(join(root, 'src/a.ts'), `${lines.join('\n')}\n`)
    expect(switchFindings(root, 'src')).toEqual([
      { at: 'src/a.ts:15', problem: 'a union without a final default: unreachable(x)' },
      { at: 'src/a.ts:23', problem: 'a union without a final default: unreachable(x)' },
      { at: 'src/a.ts:33', problem: 'no default' },
    ])
  })
})
