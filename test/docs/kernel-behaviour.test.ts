/**
 * docs/kernel-behaviour.md has an entry for every kernel behaviour a
 * finding can name: the K- ids of `dmaplan explain`'s catalog, every
 * number the simulator raises (src/sim, through findingId()), and every K-
 * id the code, its comments and the docs name.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { FINDING_IDS } from '../../src/sim/explain.js'
import { findingId } from '../../src/sim/findings.js'
import { ROOT } from '../support/fixtures.js'

const doc = readFileSync(join(ROOT, 'docs/kernel-behaviour.md'), 'utf8')
const entries = [...doc.matchAll(/^### (K-[RSPC]\d+|E\d+)$/gm)].map((m) => m[1] ?? '')

function files(dir: string, keep: (f: string) => boolean): string[] {
  return readdirSync(join(ROOT, dir)).flatMap((name) => {
    const path = join(dir, name)
    if (name === 'node_modules' || name === '__golden__') return []
    return statSync(join(ROOT, path)).isDirectory() ? files(path, keep) : keep(path) ? [path] : []
  })
}

/** The fact ids the simulator raises: every quoted R/S/P/C number in src/sim is the id of a report. */
const raised = new Set(files('src/sim', (f) => f.endsWith('.ts')).flatMap((f) => [...readFileSync(join(ROOT, f), 'utf8').matchAll(/'([RSPC]\d+)'/g)].map((m) => findingId(m[1] ?? ''))))

/**
 * Every K- id the code, the tests and the docs name, and every example a
 * line that names docs/kernel-behaviour.md points at, with its file.
 */
const pointers = ['src', 'templates', 'scripts', 'bench', 'test', 'docs']
  .flatMap((d) => files(d, (f) => /\.(ts|mts|mjs|js|c|h|md)$/.test(f)))
  .concat(['README.md'])
  .flatMap((f) =>
    readFileSync(join(ROOT, f), 'utf8')
      .split('\n')
      .flatMap((l) => [...l.matchAll(l.includes('kernel-behaviour.md') ? /\b(K-[RSPC]\d+|E\d)\b/g : /\b(K-[RSPC]\d+)\b/g)].map((m) => ({ file: f, id: m[1] ?? '' }))),
  )

describe('docs/kernel-behaviour.md', () => {
  it('has one entry per id, in order within each area', () => {
    expect(entries.length).toBe(new Set(entries).size)
    for (const area of ['R', 'S', 'P', 'C', 'E']) {
      const nums = entries.filter((e) => e.replace(/^K-/, '')[0] === area).map((e) => Number(e.replace(/^K-[RSPC]|^E/, '')))
      expect(nums, area).toEqual(nums.map((_, i) => i + 1))
    }
  })

  it('has an entry for every K- id of the explain catalog', () => {
    expect(FINDING_IDS.filter((id) => id.startsWith('K-') && !entries.includes(id))).toEqual([])
  })

  it('has an entry for every fact id the simulator raises', () => {
    expect([...raised].filter((id) => !entries.includes(id))).toEqual([])
  })

  it('has an entry for every id the code points at', () => {
    expect(pointers.filter((p) => !entries.includes(p.id))).toEqual([])
  })

  it('names the finding of each id the simulator raises and of no other', () => {
    const named = [...doc.matchAll(/^### (K-[RSPC]\d+)\n[\s\S]*?(?=^### |^## |(?![\s\S]))/gm)].filter((m) => /\bFinding\s+K-/.test(m[0])).map((m) => m[1])
    expect(new Set(named)).toEqual(new Set([...raised, ...FINDING_IDS.filter((id) => id.startsWith('K-'))]))
  })
})
