/**
 * Each kernel constant has one definition, in src/plan/kernel-consts.ts:
 * no other file of src/ declares a constant of the same name (the
 * simulator's src/sim/consts.ts re-exports them). A file another branch is
 * rewriting is allow-listed by name until it is merged.
 */
import { readdirSync, readFileSync } from 'node:fs'
import { join, relative } from 'node:path'
import { describe, expect, it } from 'vitest'
import * as KERNEL from '../../src/plan/kernel-consts.js'
import { ROOT } from '../support/fixtures.js'

const HOME = 'src/plan/kernel-consts.ts'

function sources(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const p = join(dir, e.name)
    return e.isDirectory() ? sources(p) : e.name.endsWith('.ts') ? [relative(ROOT, p)] : []
  })
}

describe('kernel constants', () => {
  it('are declared in src/plan/kernel-consts.ts only', () => {
    const names = Object.keys(KERNEL).filter((n) => /^[A-Z][A-Z0-9_]*$/.test(n))
    expect(names).toContain('PAGE_SIZE')
    const declaration = new RegExp(`\\b(?:const|let|var)\\s+(${names.join('|')})\\s*[=:]`, 'g')
    const twice = sources(join(ROOT, 'src'))
      .filter((f) => f !== HOME)
      .flatMap((f) => [...readFileSync(join(ROOT, f), 'utf8').matchAll(declaration)].map((m) => `${f}: ${m[1]}`))
    expect(twice).toEqual([])
  })
})
