/**
 * The dma-debug suite of one kernel line's debug kernel: every scenario of
 * the release again, where a valid plan must leave the kernel's own
 * checker silent (support/clean.ts) and the simulator, told that the
 * kernel has CONFIG_DMA_API_DEBUG, must still agree; a self-check whose
 * driver leaks a mapping on purpose; `dma-debug <version>: C/D valid
 * scenarios clean`. The harness's sweeps are off (sweep=0): dma-debug sees
 * the driver's calls, not the device's transfers, which the conformance
 * suite checks on the same release.
 */
import { writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { KernelLine } from '../../support/kernels.js'
import type { Built } from '../support/build.js'
import { afterBuild, finished, keepOnFailure } from '../support/suite.js'
import { buildHarnesses } from '../support/build.js'
import { uncleanness } from '../support/clean.js'
import type { Limit, ScenarioRun } from '../support/run.js'
import { describeRun, p2pPeers, runModule, runScenario } from '../support/run.js'
import type { Scenario } from '../support/scenario.js'
import { planFor, runsOn } from '../support/scenario.js'
import { leak, LEAK_CHECK } from '../support/selfcheck.js'

/** Every scenario of the line's release on its debug kernel: dma-debug must stay silent. */
export function defineDmaDebug(kernel: KernelLine, all: readonly Scenario[], limit: Limit): void {
  const scenarios = all.filter((s) => runsOn(s, kernel.release))
  const root = kernel.workdir('dmaplan-dma-debug-')
  const started = Date.now()
  let built: Promise<Built> | undefined
  const runs = new Map<string, Promise<ScenarioRun>>()
  let leaked: Promise<Awaited<ReturnType<typeof runModule>>> | undefined
  const failed: string[] = []

  describe(`valid scenarios under dma-debug on ${kernel.version}`, () => {
    // Inside the describe: a run that filters this line's tests out builds and boots nothing.
    beforeAll(() => {
      const t0 = Date.now()
      const build = buildHarnesses(
        kernel,
        [...scenarios.map((s) => planFor(s, kernel.release)), planFor({ ...LEAK_CHECK, about: 'leak' }, kernel.release)],
        join(root, 'kbuild'),
        leak,
        scenarios.some((s) => p2pPeers(s).length > 0),
      )
      build.then((b) => console.log(`dma-debug ${kernel.version}: ${b.modules.size} harnesses built in ${((Date.now() - t0) / 1000).toFixed(0)} s`)).catch(() => {})
      built = build
      leaked = afterBuild(build, LEAK_CHECK.plan.name, (ko) => limit(() => runModule(ko, LEAK_CHECK.platform, kernel)))
      for (const s of scenarios) {
        const run = afterBuild(build, s.plan.name, (ko, b) => limit(() => runScenario(s, ko, kernel, b.provider, { noSweeps: true })))
        runs.set(s.plan.name, run)
      }
      build.catch(() => {})
    })

    afterAll(() => keepOnFailure(root, failed))

    it('builds every harness against the debug kernel with W=1 and no diagnostic', async () => {
      const b = await (built as Promise<Built>)
      expect(b.diagnostics).toEqual([])
      expect([...b.modules.keys()].sort()).toEqual([...scenarios.map((s) => s.plan.name), LEAK_CHECK.plan.name].sort())
    }, 1_200_000)

    it('notices a driver that leaves a mapping in place until it is unbound', async () => {
      const r = await (leaked as Promise<Awaited<ReturnType<typeof runModule>>>)
      writeFileSync(join(root, `${LEAK_CHECK.plan.name}.log`), r.lines.join('\n'))
      expect(r.observation.finished).toBe(true)
      expect(r.observation.dmaDebug?.errorCount).toBeGreaterThan(0)
      expect(r.observation.dmaDebug?.reports.some((l) => LEAK_CHECK.expect.test(l))).toBe(true)
    }, 1_200_000)

    for (const s of scenarios) {
      it(`${s.plan.name} (${s.platform}) leaves dma-debug silent`, async () => {
        const r = await (runs.get(s.plan.name) as Promise<ScenarioRun>)
        writeFileSync(join(root, `${s.plan.name}.log`), r.lines.join('\n'))
        // On this kernel too the simulator must agree (told that dma_need_unmap() always says yes).
        const report = [...uncleanness(r), ...describeRun(r)]
        if (report.length > 0) failed.push(s.plan.name)
        expect(report.join('\n')).toBe('')
      }, 1_200_000)
    }

    it('is clean and agrees with the simulator on every scenario', async () => {
      const done = (await finished(runs)).map(([, r]) => r)
      const clean = done.filter((r) => uncleanness(r).length === 0)
      const agree = done.filter((r) => describeRun(r).length === 0)
      const seconds = ((Date.now() - started) / 1000).toFixed(0)
      console.log(`dma-debug ${kernel.version}: ${clean.length}/${scenarios.length} valid scenarios clean (${seconds} s, ${done.reduce((n, r) => n + r.seconds, 0).toFixed(0)} s of QEMU)`)
      console.log(`conformance ${kernel.version}: ${agree.length}/${scenarios.length} scenarios agree`)
      for (const r of done) for (const line of [...uncleanness(r), ...describeRun(r)]) console.log(line)
      expect(clean.length).toBe(scenarios.length)
      expect(agree.length).toBe(scenarios.length)
    }, 1_200_000)
  })
}
