/**
 * Golden files: for every example and test plan, with its own strategies and
 * with each strategy as an override, what each target writes, or the rule
 * sentences it gives instead of code. Update with `npx vitest run
 * test/codegen -u` and review the diff (and delete what the last test names
 * as no longer written).
 *
 * Each distinct text is kept once: an output byte-identical to an earlier one
 * (an override that changes nothing, a kernel that refuses alike) is a line of
 * __golden__/same.txt naming the file that holds it, and the headers and
 * library code every module carries are kept in __golden__/shared
 * (golden-files.ts).
 */
import { readdirSync, readFileSync } from 'node:fs'
import { join, relative } from 'node:path'
import { describe, expect, it } from 'vitest'
import { allCases, render, VARIANTS } from './cases.js'
import { goldenBundle, LIBRARY, libraryText } from './golden-files.js'
import type { SharedFile } from './golden-files.js'
import type { Target } from '../../src/codegen/index.js'

const TARGETS: readonly Target[] = ['module', 'pseudo', 'sim-ts']
const GOLDEN = join(import.meta.dirname, '__golden__')

interface Output {
  /** <case>/<variant>.<target or refused>.txt */
  readonly file: string
  readonly text: string
}

const cases = await allCases()
/** Per case and variant, its outputs in the order of the golden files. */
const outputs = new Map<string, Output[]>()
const shared = new Map<string, SharedFile>()
const library = new Map<string, string>()
for (const c of cases)
  for (const variant of VARIANTS) {
    const refused = render(c, variant, 'pseudo')
    const out: Output[] = []
    if ('refused' in refused) out.push({ file: `${c.id}/${variant}.refused.txt`, text: `${refused.refused.join('\n')}\n` })
    else
      for (const target of TARGETS) {
        const r = render(c, variant, target)
        if (!('files' in r)) throw new Error(`${c.id} ${variant}: ${target} refused what pseudo rendered: ${r.refused.join(' ')}`)
        const g = goldenBundle(r.files, target === 'module' ? library : undefined)
        for (const s of g.shared) shared.set(s.golden, s)
        out.push({ file: `${c.id}/${variant}.${target}.txt`, text: g.text })
      }
    outputs.set(`${c.id} ${variant}`, out)
  }

/** The first file of each text; every later output of that text names it. */
const first = new Map<string, string>()
const same: string[] = []
for (const out of outputs.values())
  for (const o of out) {
    const holder = first.get(o.text)
    if (holder === undefined) first.set(o.text, o.file)
    else same.push(`${o.file} = ${holder}`)
  }
const kept = new Set(first.values())

describe.each(cases.map((c) => [c.id] as const))('%s', (id) => {
  it.each(VARIANTS.map((v) => [v]))('%s', async (variant) => {
    for (const o of outputs.get(`${id} ${variant}`) ?? []) if (kept.has(o.file)) await expect(o.text).toMatchFileSnapshot(`__golden__/${o.file}`)
  })
})

describe('kept once', () => {
  it('the outputs byte-identical to an earlier one, and the file that holds it', async () => {
    await expect(`${same.join('\n')}\n`).toMatchFileSnapshot('__golden__/same.txt')
  })

  it('the library pieces of the drivers', async () => {
    await expect(libraryText(library)).toMatchFileSnapshot(`__golden__/${LIBRARY}`)
  })

  it.each([...shared.values()].map((s) => [s.golden, s.text] as const))('%s', async (golden, text) => {
    await expect(text).toMatchFileSnapshot(`__golden__/${golden}`)
  })

  it('no golden file is left that no output is kept in', () => {
    const files = (dir: string): string[] => readdirSync(dir, { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? files(join(dir, e.name)) : [relative(GOLDEN, join(dir, e.name))]))
    const all = files(GOLDEN)
    // harness.test.ts keeps its own golden files, and names shared headers too.
    const harness = all.filter((f) => f.startsWith('harness/'))
    const named = new Set([...kept, ...shared.keys(), LIBRARY, ...harness.flatMap((f) => [...readFileSync(join(GOLDEN, f), 'utf8').matchAll(/^==> \S+ <== (shared\/\S+)$/gm)].map((m) => m[1] ?? ''))])
    expect(all.filter((f) => f !== 'same.txt' && !harness.includes(f) && !named.has(f))).toEqual([])
  })
})
