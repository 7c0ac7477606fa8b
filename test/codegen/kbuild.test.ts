/**
 * The generated modules against real kernels, on each kernel line of
 * test/support/kernels.ts (Debian 12's 6.12, and the 7.x reference kernel in
 * its chroot): for every example and test plan, and every strategy that
 * applies, and for the harness of every scenario of test/kernel/scenarios,
 * the module builds with kbuild with W=1 and no warning, sparse (C=1)
 * reports nothing, and the release's checkpatch.pl --no-tree -f reports no
 * error and no warning. On 6.12 the upstream-signature mode compiles
 * cleanly; on 7.x, where the plans are generated for the line's release,
 * every API the C uses is in the headers, so no fallback is compiled in.
 *
 * All modules build in one kbuild tree with one make (-j2). Without the
 * tools this is a failure in CI and a visible skip elsewhere.
 */
import { execFile } from 'node:child_process'
import { createHash } from 'node:crypto'
import { cpSync, existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { promisify } from 'node:util'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { generate } from '../../src/codegen/index.js'
import { FEATURES } from '../../src/codegen/features.js'
import { kernelAtLeast } from '../../src/plan/kernel.js'
import { planFor, runsOn } from '../kernel/support/scenario.js'
import { loadScenarios } from '../kernel/support/scenarios.js'
import type { KernelLine } from '../support/kernels.js'
import { kernelLines } from '../support/kernels.js'
import { needTools } from '../support/tools.js'
import { allCases, render, VARIANTS } from './cases.js'

const run = promisify(execFile)

interface Module {
  /** Directory name in the kbuild tree (plan, kernel, variant). */
  readonly dir: string
  /** Its driver source, <plan>.c */
  readonly source: string
  readonly files: ReadonlyMap<string, string>
}

/**
 * On the 6.12 line every case as written (a plan for a newer kernel builds
 * with the compatibility header's fallbacks); on a newer line every case
 * generated for that line's release, which must need no fallback.
 */
async function modules(line: KernelLine): Promise<Module[]> {
  const retarget = kernelAtLeast(line.release, '6.13')
  const out: Module[] = []
  const seen = new Set<string>()
  for (const c of await allCases())
    for (const variant of VARIANTS) {
      const r = render(retarget ? { ...c, kernel: line.release } : c, variant, 'module')
      if (!('files' in r)) continue
      // An override with the plan's own strategy writes the same files: build them once.
      const hash = createHash('sha256')
      for (const [p, t] of r.files) hash.update(`${p}\0${t}\0`)
      const key = hash.digest('hex')
      if (seen.has(key)) continue
      seen.add(key)
      out.push({ dir: `${c.id.replace(/\W/g, '_')}__${variant.replace(/\W/g, '_')}`, source: `${c.plan.name}.c`, files: r.files })
    }
  for (const s of await loadScenarios())
    if (runsOn(s, line.release))
      out.push({ dir: `${s.plan.name}__harness`, source: `${s.plan.name}.c`, files: generate(planFor(s, line.release), { target: 'harness', kernelRefuses: true }) })
  return out
}

/** What make or checkpatch said, minus kbuild's progress lines. */
function diagnostics(text: string): string[] {
  return text.split('\n').filter((l) => l.trim() !== '' && !/^ {2}[A-Z]+ /.test(l) && !/^make(\[\d+\])?: (Entering|Leaving)/.test(l))
}

// DMAPLAN_LINES=6.12 or 7 builds for that line only.
for (const { label, found } of await kernelLines()) {
  if (needTools('test/codegen/kbuild.test.ts', `kernel build (${label} line)`, 'missing' in found ? found.missing : []) && 'line' in found) defineLine(found.line)
}

function defineLine(line: KernelLine): void {
  // One line after the other: each line's build and checkpatch keep both cores busy on their own.
  describe(`kernel build against ${line.version}`, () => {
    const root = line.workdir('dmaplan-kbuild-')
    const tree = join(root, 'w1')
    const upstream = join(root, 'upstream')
    const checkpatch = line.checkpatch
    // The upstream-signature mode type-checks paths an older kernel cannot run; a newer line has the real ones.
    const withUpstream = !kernelAtLeast(line.release, '6.13')
    let mods: Module[] = []

    beforeAll(async () => {
      mods = await modules(line)
      for (const m of mods) {
        mkdirSync(join(tree, m.dir), { recursive: true })
        for (const [p, t] of m.files) {
          // One tree holds many variants of a plan: kbuild wants distinct module names.
          if (p === m.source) writeFileSync(join(tree, m.dir, `${m.dir}.c`), t)
          else if (p === 'Kbuild') writeFileSync(join(tree, m.dir, p), renamed(t, m.dir))
          else writeFileSync(join(tree, m.dir, p), t)
        }
      }
      // Only the generated files, before kbuild adds its own.
      cpSync(tree, upstream, { recursive: true })
      const kbuild = mods.map((m) => `obj-m += ${m.dir}/`).join('\n')
      writeFileSync(join(tree, 'Kbuild'), `${kbuild}\n`)
      writeFileSync(join(upstream, 'Kbuild'), `${kbuild}\n`)
    }, 120_000)

    afterAll(() => {
      if (!process.env.DMAPLAN_KEEP_KBUILD) rmSync(root, { recursive: true, force: true })
      else console.log(`kbuild trees kept in ${root}`)
    })

    type Result = { readonly out: string }
    const jobs: { checkpatch?: Promise<Result>; build?: Promise<Result>; upstream?: Promise<Result> } = {}
    const capture = (p: Promise<{ stdout: string; stderr: string }>): Promise<Result> =>
      p.then(
        (r) => ({ out: `${r.stdout}\n${r.stderr}` }),
        (e: { stdout?: string; stderr?: string; message: string }) => ({ out: `${e.stdout ?? ''}\n${e.stderr ?? ''}\n${e.message}` }),
      )

    beforeAll(() => {
      // Three independent jobs at once keep both cores busy.
      const unique = new Map<string, string>()
      for (const m of mods)
        for (const [p, t] of m.files) if (/\.[ch]$/.test(p) && !unique.has(t)) unique.set(t, join(upstream, m.dir, p === m.source ? `${m.dir}.c` : p))
      const files = [...unique.values()]
      const half = Math.ceil(files.length / 2)
      const batches = [files.slice(0, half), files.slice(half)].filter((b) => b.length > 0)
      jobs.checkpatch = Promise.all(
        batches.map((b) => capture(run('perl', [checkpatch, '--no-tree', '--no-summary', '--terse', '-f', ...b], { maxBuffer: 64 << 20 }))),
      ).then((rs) => ({ out: rs.map((r) => r.out).join('\n') }))
      // BTF for modules (pahole) is BPF metadata, not compilation: skipping it halves the link time.
      const common = ['-s', 'W=1', 'CONFIG_DEBUG_INFO_BTF_MODULES=', '-j2']
      jobs.build = line.make(tree, [...common, 'C=1', 'modules'])
      if (withUpstream) jobs.upstream = line.make(upstream, [...common, 'DMAPLAN_UPSTREAM_API=y', ...mods.map((m) => `${m.dir}/${m.dir}.o`)])
    })

    it('has modules to build', () => {
      // The distinct modules of every case and variant (85 as written for 6.12, 73 for any 7.x release) and the harness of every conformance scenario the line runs (33 on 6.12, 70 on 7.x).
      expect(mods.length).toBe(withUpstream ? 85 + 33 : 73 + 70)
    })

    it('checkpatch --no-tree -f: no errors, no warnings', async () => {
      expect(diagnostics((await jobs.checkpatch)?.out ?? 'not run')).toEqual([])
    }, 900_000)

    it('builds with W=1, and sparse (C=1) reports nothing', async () => {
      expect(diagnostics((await jobs.build)?.out ?? 'not run')).toEqual([])
      for (const m of mods) expect(`${m.dir}: ${existsKo(join(tree, m.dir), `${m.dir}.c`)}`).toBe(`${m.dir}: built`)
    }, 900_000)

    if (withUpstream)
      it('compiles against the upstream signatures (DMAPLAN_UPSTREAM_API=y)', async () => {
        expect(diagnostics((await jobs.upstream)?.out ?? 'not run')).toEqual([])
      }, 900_000)
    else
      it('needs no fallback of the compatibility header: every API the generated C uses is in the headers', async () => {
        // The Kbuild files' own feature tests, and the attribute macros the header defines when they are missing.
        await jobs.build
        const lacking: string[] = []
        for (const f of Object.values(FEATURES)) {
          if (f.probe === undefined) continue
          const header = join(line.include, f.probe.header)
          if (!existsSync(header) || !new RegExp(`\\b${f.probe.word}\\b`).test(readFileSync(header, 'utf8'))) lacking.push(`${f.probe.word} in ${f.probe.header}`)
        }
        const mapping = readFileSync(join(line.include, 'dma-mapping.h'), 'utf8')
        for (const macro of ['DMA_ATTR_MMIO', 'DMA_ATTR_REQUIRE_COHERENT', 'DMA_ATTR_DEBUGGING_IGNORE_CACHELINES'])
          if (!new RegExp(`#define ${macro}\\b`).test(mapping)) lacking.push(macro)
        expect(lacking).toEqual([])
      }, 900_000)
  })
}

/** A generated Kbuild with its module renamed after the directory (<dir>_dmaplan.ko of <dir>.c). */
function renamed(kbuild: string, dir: string): string {
  const out = kbuild.replace(/^obj-m := (\w+)\.o\n\1-y := \w+\.o$/m, `obj-m := ${dir}_dmaplan.o\n${dir}_dmaplan-y := ${dir}.o`)
  if (out === kbuild) throw new Error(`${dir}: the generated Kbuild names its module in another form`)
  return out
}

/** The module a directory's Kbuild names: <dir>_dmaplan.ko, built of <dir>.c. */
function existsKo(dir: string, source: string): string {
  return existsSync(join(dir, source.replace(/\.c$/, '_dmaplan.ko'))) ? 'built' : 'no .ko'
}
