/**
 * The conformance suite of one kernel line: every scenario of the line's
 * release as a harness module, built in one kbuild tree, each booted on
 * its QEMU set-up and compared with the simulator; the harness's
 * self-checks; `conformance <version>: A/B scenarios agree`; and each run's
 * own trace through `dmaplan import`, where a trace holds the whole story
 * (support/imported.ts): `imported traces <version>: C/D reproduce the
 * kernel's DMA addresses`.
 */
import { writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { KernelLine } from '../../support/kernels.js'
import type { Built } from '../support/build.js'
import { afterBuild, finished, keepOnFailure } from '../support/suite.js'
import { buildHarnesses } from '../support/build.js'
import type { Limit, ScenarioRun } from '../support/run.js'
import { describeRun, p2pPeers, runModule, runScenario } from '../support/run.js'
import type { Scenario } from '../support/scenario.js'
import { planFor, runsOn } from '../support/scenario.js'
import { misdirect, SELF_CHECKS } from '../support/selfcheck.js'
import { importedDisagreements, notImportable } from '../support/imported.js'

export function defineConformance(kernel: KernelLine, all: readonly Scenario[], limit: Limit): void {
  const scenarios = all.filter((s) => runsOn(s, kernel.release))
  const root = kernel.workdir('dmaplan-conformance-')
  const started = Date.now()
  let built: Promise<Built> | undefined
  const runs = new Map<string, Promise<ScenarioRun>>()
  const checks = new Map<string, Promise<Awaited<ReturnType<typeof runModule>>>>()
  const failed: string[] = []
  const planOf = (s: Scenario) => planFor(s, kernel.release)

  describe(`real-kernel conformance on ${kernel.version}`, () => {
    // Inside the describe: a run that filters this line's tests out builds and boots nothing.
    beforeAll(() => {
      const t0 = Date.now()
      const build = buildHarnesses(
        kernel,
        [...scenarios.map(planOf), ...SELF_CHECKS.map((c) => planFor({ ...c, about: c.expect }, kernel.release))],
        join(root, 'kbuild'),
        misdirect,
        scenarios.some((s) => p2pPeers(s).length > 0),
      )
      build.then((b) => console.log(`conformance ${kernel.version}: ${b.modules.size} harnesses built in ${((Date.now() - t0) / 1000).toFixed(0)} s`)).catch(() => {})
      built = build
      for (const c of SELF_CHECKS) {
        const name = c.plan.name
        const run = afterBuild(build, name, (ko) => limit(() => runModule(ko, c.platform, kernel)))
        checks.set(name, run)
      }
      for (const s of scenarios) {
        const name = s.plan.name
        const run = afterBuild(build, name, (ko, b) => limit(() => runScenario(s, ko, kernel, b.provider)))
        runs.set(name, run)
      }
      build.catch(() => {})
    })

    afterAll(() => keepOnFailure(root, failed))

    it('builds every harness with W=1 and no diagnostic', async () => {
      const b = await (built as Promise<Built>)
      expect(b.diagnostics).toEqual([])
      expect([...b.modules.keys()].sort()).toEqual([...scenarios, ...SELF_CHECKS].map((s) => s.plan.name).sort())
    }, 600_000)

    for (const c of SELF_CHECKS) {
      it(`the harness notices a device sent ${c.offset} off its DMA addresses (${c.platform}): ${c.expect}`, async () => {
        const r = await (checks.get(c.plan.name) as Promise<Awaited<ReturnType<typeof runModule>>>)
        writeFileSync(join(root, `${c.plan.name}.log`), r.lines.join('\n'))
        const o = r.observation
        expect(o.status?.ok).toBe(false)
        if (c.expect === 'data mismatch') expect(o.accesses.some((a) => a.bad > 0)).toBe(true)
        else expect(o.problems.some((p) => /DMAR: \[DMA Read/.test(p))).toBe(true)
      }, 600_000)
    }

    for (const s of scenarios) {
      it(`${s.plan.name} (${s.platform}): ${s.about}`, async () => {
        const r = await (runs.get(s.plan.name) as Promise<ScenarioRun>)
        writeFileSync(join(root, `${s.plan.name}.log`), r.lines.join('\n'))
        const report = describeRun(r)
        if (report.length > 0) failed.push(s.plan.name)
        expect(report.join('\n')).toBe('')
      }, 600_000)
    }

    it('agrees with the simulator on every scenario', async () => {
      const done = (await finished(runs)).map(([, r]) => r)
      const agree = done.filter((r) => describeRun(r).length === 0)
      const seconds = ((Date.now() - started) / 1000).toFixed(0)
      console.log(`conformance ${kernel.version}: ${agree.length}/${scenarios.length} scenarios agree (${seconds} s, ${done.reduce((n, r) => n + r.seconds, 0).toFixed(0)} s of QEMU)`)
      for (const r of done) for (const line of describeRun(r)) console.log(line)
      expect(agree.length).toBe(scenarios.length)
    }, 600_000)

    it("reproduces the kernel's DMA addresses from each importable run's own trace", async () => {
      const done = (await finished(runs)).map(([, r]) => ({ r, why: notImportable(r, kernel) }))
      const importable = done.filter((x) => x.why === undefined).map((x) => x.r)
      const reports = importable.map((r) => importedDisagreements(r, kernel))
      const why = new Map<string, number>()
      for (const { why: w } of done) if (w !== undefined) why.set(w, (why.get(w) ?? 0) + 1)
      const others = [...why].map(([w, n]) => `${n} ${w}`).join(', ')
      console.log(`imported traces ${kernel.version}: ${reports.filter((x) => x.length === 0).length}/${importable.length} reproduce the kernel's DMA addresses (not importable: ${others || 'none'})`)
      for (const line of reports.flat()) console.log(line)
      expect(reports.flat().join('\n')).toBe('')
    }, 600_000)
  })
}
