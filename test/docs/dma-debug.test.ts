/**
 * docs/dma-debug.md keeps up with the bug scenarios: every scenario of
 * test/kernel/bugs has its row, with the finding it is there for, and no
 * row names a scenario that does not exist.
 */
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { ROOT } from '../support/fixtures.js'
import { loadBugs } from '../kernel/support/bugs.js'

const doc = readFileSync(join(ROOT, 'docs/dma-debug.md'), 'utf8')
const rows = doc.split('\n').filter((l) => l.startsWith('| ') && !l.startsWith('| check') && !l.startsWith('|---'))
const bugs = await loadBugs()

describe('docs/dma-debug.md', () => {
  for (const b of bugs)
    it(`has ${b.name} in the row of ${b.check === 'none' ? 'the check it shows silent' : b.check}`, () => {
      const row = rows.find((r) => new RegExp(`\\b${b.name}\\b`).test(r))
      expect(row, `no row names ${b.name}`).toBeDefined()
      if (b.check !== 'none') expect(row?.split('|')[3]?.trim()).toBe(b.check)
    })

  it('names no bug scenario that does not exist', () => {
    const named = rows.flatMap((r) => r.match(/\bbug_[a-z0-9_]+/g) ?? [])
    expect(named.filter((n) => !bugs.some((b) => b.name === n))).toEqual([])
  })
})
