/** Every verb answers --help (exit 0) and --json (machine-readable output, the same exit status as without it). */
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { dmaplan } from '../support/cli.js'
import { DESCRIPTORS, summaryText } from '../../src/strategies/index.js'

const out = mkdtempSync(join(tmpdir(), 'dmaplan-verbs-'))
afterAll(() => rmSync(out, { recursive: true, force: true }))
const runs: Record<string, string[]> = {
  check: ['check', 'examples/gpu-direct.ts'],
  simulate: ['simulate', 'examples/gpu-direct.ts'],
  gen: ['gen', 'examples/gpu-direct.ts', '--out', join(out, 'gen'), '--target', 'pseudo'],
  plan: ['plan', 'examples/gpu-direct.ts'],
  compare: ['compare', 'examples/gpu-direct.ts'],
  explain: ['explain', 'R3'],
}

describe('every verb', () => {
  it('the top level lists every verb', () => {
    const r = dmaplan(['--help'])
    expect(r.status).toBe(0)
    for (const verb of Object.keys(runs)) expect(r.stdout).toMatch(new RegExp(`^  ${verb} `, 'm'))
  })
  it('gen --help gives every strategy its descriptor\'s summary', () => {
    const help = dmaplan(['gen', '--help']).stdout.replace(/\n {4,}/g, ' ')
    for (const d of DESCRIPTORS) expect(help).toMatch(new RegExp(`^  ${d.name} +${summaryText(d).replace(/[()]/g, '\\$&')}$`, 'm'))
  })
  for (const [verb, args] of Object.entries(runs)) {
    it(`${verb} --help`, () => {
      const r = dmaplan([verb, '--help'])
      expect(r.status).toBe(0)
      expect(r.stdout).toMatch(new RegExp(`^usage: dmaplan ${verb} `))
      expect(r.stdout).toMatch(/--json/)
    })
    it(`${verb} --json`, () => {
      const r = dmaplan([...args, '--json'], {})
      expect(r.status, r.stderr).toBe(0)
      if (verb === 'check') expect(JSON.parse(r.stdout)).toEqual({ files: [{ file: 'examples/gpu-direct.ts', violations: [] }] })
      else expect(() => JSON.parse(r.stdout)).not.toThrow()
    })
  }
})
