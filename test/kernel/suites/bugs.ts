/**
 * Bug scenarios on a debug kernel (test/kernel/bugs, support/bug.ts): each
 * becomes a module that makes its wrong calls on edu, booted on its set-up
 * with every dma-debug error reported; the simulator makes the same calls
 * at the physical addresses the run reported, and its dma-debug lines must
 * be the kernel's, word for word apart from the device's PCI address (the
 * model's own placement); the scenario's check must be among them, or both
 * must be silent where the release has no such check. Prints
 * `dma-debug <version>: A/B bug scenarios agree`.
 */
import { writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { KernelLine } from '../../support/kernels.js'
import type { Built } from '../support/build.js'
import { afterBuild, finished, keepOnFailure } from '../support/suite.js'
import { buildSources } from '../support/build.js'
import type { Bug } from '../support/bug.js'
import { simulateBug } from '../support/bug.js'
import { bugModule } from '../support/bug-module.js'
import type { Limit } from '../support/run.js'
import { runModule } from '../support/run.js'
import { runsOn } from '../support/scenario.js'

type Run = Awaited<ReturnType<typeof runModule>>

/** A report without the device's PCI address: "<driver>: <text>". */
const withoutAddress = (report: string): string => report.replace(/^(\S+) [0-9a-f]{4}:[0-9a-f]{2}:[0-9a-f]{2}\.[0-9a-f]: /, '$1: ')

export function defineBugs(kernel: KernelLine, bugs: readonly Bug[], limit: Limit): void {
  const mine = bugs.filter((b) => runsOn(b, kernel.release))
  // A filter that leaves this line none builds nothing.
  if (mine.length === 0) return

  describe(`dma-debug bug scenarios on ${kernel.version}`, () => {
    const root = kernel.workdir('dmaplan-bugs-')
    const started = Date.now()
    let built: Promise<Built> | undefined
    const runs = new Map<Bug, Promise<Run>>()
    const failed: string[] = []

    beforeAll(() => {
      const build = buildSources(kernel, new Map(mine.map((b) => [b.name, bugModule(b, kernel.release)])), join(root, 'kbuild'))
      built = build
      for (const b of mine) {
        const run = afterBuild(build, b.name, (ko) => limit(() => runModule(ko, b.platform, kernel, b.debugEntries === undefined ? {} : { append: `dma_debug_entries=${b.debugEntries}` })))
        runs.set(b, run)
      }
      build.catch(() => {})
    })

    afterAll(() => keepOnFailure(root, failed))

    it('builds every bug module with W=1 and no diagnostic', async () => {
      const b = await (built as Promise<Built>)
      expect(b.diagnostics).toEqual([])
      expect([...b.modules.keys()].sort()).toEqual(mine.map((x) => x.name).sort())
    }, 1_200_000)

    for (const b of mine) {
      it(`${b.name} (${b.platform}, ${b.check}): ${b.about}`, async () => {
        const r = await (runs.get(b) as Promise<Run>)
        writeFileSync(join(root, `${b.name}.log`), r.lines.join('\n'))
        const report = bugReport(b, kernel, r)
        if (report.length > 0) failed.push(b.name)
        expect(report.join('\n')).toBe('')
      }, 1_200_000)
    }

    it('agrees with the simulator on every bug scenario', async () => {
      const done = (await finished(runs)).map(([b, r]) => ({ b, r }))
      const agree = done.filter(({ b, r }) => bugReport(b, kernel, r).length === 0)
      const seconds = ((Date.now() - started) / 1000).toFixed(0)
      console.log(`dma-debug ${kernel.version}: ${agree.length}/${mine.length} bug scenarios agree (${seconds} s, ${done.reduce((n, x) => n + x.r.seconds, 0).toFixed(0)} s of QEMU)`)
      for (const { b, r } of done) for (const line of bugReport(b, kernel, r)) console.log(line)
      expect(agree.length).toBe(mine.length)
    }, 1_200_000)
  })
}

/** What does not hold for a bug scenario's run, in words; nothing when the kernel and the simulator say the same. */
function bugReport(b: Bug, kernel: KernelLine, r: Run): string[] {
  const o = r.observation
  const name = `${b.name} (${b.platform})`
  if (!o.finished) return [`${name}: the module did not run to its end (timeout or crash)`]
  if (o.dmaDebug === undefined) return [`${name}: no error count from dma-debug`]
  const sim = simulateBug(b, kernel.release, o.regions, { changes: kernel.changes })
  const theirs = o.dmaDebug.reports.map(withoutAddress)
  const ours = sim.reports.map(withoutAddress)
  const out: string[] = []
  if (theirs.join('\n') !== ours.join('\n')) out.push(`${name}: dma-debug's lines\n    kernel:    ${theirs.join('\n               ') || 'none'}\n    simulator: ${ours.join('\n               ') || 'none'}`)
  if (o.dmaDebug.notes.join('\n') !== sim.notes.join('\n'))
    out.push(`${name}: dma-debug's notes\n    kernel:    ${o.dmaDebug.notes.join('\n               ') || 'none'}\n    simulator: ${sim.notes.join('\n               ') || 'none'}`)
  // The model's pool is the module's alone: the kernel's must be whole and of the same size when the module comes.
  const pool = o.dmaDebug.pool
  if (pool === undefined || pool.free !== pool.total || pool.total !== sim.pool)
    out.push(`${name}: dma-debug's entry pool before the module: ${pool === undefined ? 'not reported' : `${pool.free} of ${pool.total} free`}; the simulator's: ${sim.pool}`)
  if (o.dmaDebug.errorCount !== o.dmaDebug.reports.length) out.push(`${name}: dma-debug counted ${o.dmaDebug.errorCount} errors and printed ${o.dmaDebug.reports.length}`)
  if (b.check === 'none' ? ours.length > 0 : !sim.ids.includes(b.check)) out.push(`${name}: the scenario is there for ${b.check}; the simulator reports ${sim.ids.join(', ') || 'nothing'}`)
  // What the calls returned (the IOVA API's: dma-debug does not see it).
  for (const [i, ret] of sim.rets)
    if (o.rets.get(i) !== ret) out.push(`${name}: call ${i} (${b.calls[i]?.fn})\n    kernel:    ${o.rets.get(i) ?? 'not reported'}\n    simulator: ${ret}`)
  // The kernel's own WARN()s outside dma-debug (the IOMMU layer's), by function: the simulator's must be the same.
  const warned = o.problems.map(warnedIn)
  const kernelWarns = warned.filter((f): f is string => f !== undefined)
  if (kernelWarns.join(' ') !== sim.warnings.join(' ')) out.push(`${name}: WARN()s\n    kernel:    ${kernelWarns.join(', ') || 'none'}\n    simulator: ${sim.warnings.join(', ') || 'none'}`)
  o.problems.forEach((p, i) => warned[i] === undefined && out.push(`${name}: ${p}`))
  return out
}

/** The function of a kernel WARNING line (7.x: "WARNING: file:line at fn+off/len, CPU#0: ...", 6.12: "WARNING: CPU: 0 PID: 1 at file:line fn+off/len"). */
function warnedIn(line: string): string | undefined {
  return line.match(/^WARNING: (?:CPU: \d+ PID: \d+ at )?\S+:\d+ (?:at )?(\w+)\+/)?.[1]
}
