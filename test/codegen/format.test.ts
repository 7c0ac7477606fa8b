/**
 * The C comes out in kernel style: every template section, in every variant
 * of its flags, and every generated file are fixed points of clang-format
 * with templates/.clang-format; the writer lays out typical plans by itself
 * (clang-format does not run); long names are handed to clang-format; and
 * the output is byte-identical from run to run and from process to process.
 */
import { execFileSync } from 'node:child_process'
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { CLANG_FORMAT_CONFIG, clangFormatBinary, clangFormatRuns, generate } from '../../src/codegen/index.js'
import { moduleTemplates } from '../../src/codegen/targets/module/templates.js'
import { platform } from '../../src/index.js'
import { ROOT } from '../support/fixtures.js'
import { needTools } from '../support/tools.js'
import { allCases, bundle, render, VARIANTS } from './cases.js'

const cases = await allCases()
const bin = clangFormatBinary()

/** Format many texts with one clang-format process; returns the texts it would change. */
function notFixedPoints(texts: ReadonlyMap<string, string>, tool: string): string[] {
  const dir = mkdtempSync(join(tmpdir(), 'dmaplan-fmt-'))
  try {
    const files = [...texts].map(([name, text], i) => {
      const f = join(dir, `${i}${name.endsWith('.h') ? '.h' : '.c'}`)
      writeFileSync(f, text)
      return { name, f, text }
    })
    execFileSync(tool, [`--style=file:${CLANG_FORMAT_CONFIG}`, '-i', ...files.map((x) => x.f)])
    return files.filter((x) => readFileSync(x.f, 'utf8') !== x.text).map((x) => x.name)
  } finally {
    rmSync(dir, { recursive: true, force: true })
  }
}

const formatter = needTools('test/codegen/format.test.ts', 'kernel style', bin === null ? ['clang-format'] : []) ? bin : null

if (formatter !== null) {
  describe('kernel style', () => {

    it('every template section is a clang-format fixed point, in every variant', () => {
      const lib = moduleTemplates()
      const texts = new Map<string, string>()
      for (const id of lib.ids()) {
        const section = lib.section(id)
        const flags = [...section.flags]
        for (let mask = 0; mask < 1 << flags.length; mask++) {
          const set = Object.fromEntries(flags.map((f, i) => [f, (mask & (1 << i)) !== 0]))
          const name = `${id} ${JSON.stringify(set)}${id.startsWith('compat') || id.startsWith('upstream') ? '.h' : '.c'}`
          texts.set(name, lib.render([section], set))
        }
      }
      expect(notFixedPoints(texts, formatter)).toEqual([])
    })

    it('every generated C file is a clang-format fixed point', () => {
      const texts = new Map<string, string>()
      for (const c of cases)
        for (const v of VARIANTS) {
          const r = render(c, v, 'module')
          if ('files' in r) for (const [p, t] of r.files) if (/\.[ch]$/.test(p)) texts.set(`${c.id}/${v}/${p}`, t)
        }
      expect(texts.size).toBe(306)
      expect(notFixedPoints(texts, formatter)).toEqual([])
    }, 60_000)

    it('hands long names to clang-format, and the result is still a fixed point', () => {
      const long = (s: string) => `${s}_${'x'.repeat(40)}`
      const host = platform({ kernel: '7.0', iommu: { mode: 'translated' } })
      const dev = host.device(long('dev'), { dmaMask: 64 })
      const buf = host.ram(long('buf'), { offset: 0x80, bytes: 0x3000 })
      const plan = host
        .plan(dev, { name: long('plan') })
        .transaction(long('tx'), { strategy: 'iova', dir: 'bidirectional' }, [buf])
        .deviceWrites(long('tx'), buf)
        .syncForCpu(long('tx'))
        .unmap(long('tx'))
        .build()
      const before = clangFormatRuns()
      const files = generate(plan, { target: 'module' })
      expect(clangFormatRuns()).toBe(before + 1)
      expect(notFixedPoints(new Map([...files].filter(([p]) => p.endsWith('.c'))), formatter)).toEqual([])
    })
  })
}

describe('the writer needs no clang-format for typical plans', () => {
  it.each(cases.map((c) => [c.id, c] as const))('%s', (_id, c) => {
    const before = clangFormatRuns()
    for (const v of VARIANTS) render(c, v, 'module')
    expect(clangFormatRuns()).toBe(before)
  })
})

describe('byte-identical output', () => {
  it('twice in one process', () => {
    for (const c of cases)
      for (const v of VARIANTS)
        for (const target of ['module', 'pseudo', 'sim-ts'] as const) {
          const a = render(c, v, target)
          const b = render(c, v, target)
          expect('files' in a ? bundle(a.files) : a.refused).toEqual('files' in b ? bundle(b.files) : b.refused)
        }
  }, 60_000)

  it('in another process', () => {
    const c = cases.find((x) => x.id === 'rdma_mr') ?? cases[0]
    if (c === undefined) throw new Error('no cases')
    const here = render(c, 'plan', 'module')
    const script = `
      const { createJiti } = await import('jiti')
      const jiti = createJiti(${JSON.stringify(join(ROOT, 'package.json'))}, { alias: { dmaplan: ${JSON.stringify(join(ROOT, 'src/index.ts'))} } })
      const { generate } = await jiti.import(${JSON.stringify(join(ROOT, 'src/codegen/index.ts'))})
      const { TEST_PLANS } = await jiti.import(${JSON.stringify(join(ROOT, 'test/codegen/plans.ts'))})
      const examples = ${JSON.stringify(join(ROOT, 'examples'))}
      const fs = await import('node:fs')
      let plan = TEST_PLANS.map((t) => t.plan).find((p) => p.name === ${JSON.stringify(c.plan.name)})
      for (const f of plan ? [] : fs.readdirSync(examples).filter((f) => f.endsWith('.ts'))) {
        const p = (await jiti.import(examples + '/' + f)).default
        if (p.name === ${JSON.stringify(c.plan.name)}) plan = p
      }
      // sim-ts too: its prettier worker must start under --input-type=module.
      const files = [...generate(plan, { target: 'module' }), ...generate(plan, { target: 'sim-ts' })]
      process.stdout.write(files.map(([p, t]) => '==> ' + p + ' <==\\n' + t).join('\\n'))
    `
    const out = execFileSync(process.execPath, ['--input-type=module', '-e', script], { cwd: ROOT, encoding: 'utf8', maxBuffer: 16 << 20, timeout: 30_000 })
    const simTs = render(c, 'plan', 'sim-ts')
    expect('files' in here && 'files' in simTs && bundle(new Map([...here.files, ...simTs.files]))).toBe(out)
  }, 60_000)
})
