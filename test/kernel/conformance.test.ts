/**
 * Real-kernel conformance: every scenario of test/kernel/scenarios becomes a
 * harness module (dmaplan gen --target harness) for each kernel line it runs
 * on (Debian 12's 6.12, and the 7.x reference kernel that
 * scripts/reference-kernel finds and caches), all of a line built in one
 * kbuild tree; each is booted on its QEMU set-up with the edu device, and
 * what the kernel did is compared with what the simulator predicts, for the
 * release that ran, from the run's physical addresses. Any disagreement
 * fails, showing both sides; each line's last test prints
 * `conformance <version>: A/B scenarios agree`.
 *
 * DMAPLAN_SCENARIOS=name,name runs only those; DMAPLAN_LINES=6.12 or 7.3
 * only that line. The serial output of every boot is kept in a temporary
 * directory, named when something fails. Without the tools this is a
 * failure in CI and a visible skip elsewhere.
 */
import { rmSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { KernelLine } from '../support/kernels.js'
import { kernelLines } from '../support/kernels.js'
import { missingCommands, needTools } from '../support/tools.js'
import type { Built } from './support/build.js'
import { buildHarnesses } from './support/build.js'
import type { ScenarioRun } from './support/run.js'
import { describeRun, limiter, p2pPeers, runModule, runScenario } from './support/run.js'
import type { Scenario } from './support/scenario.js'
import { planFor, runsOn } from './support/scenario.js'
import { loadScenarios } from './support/scenarios.js'
import { misdirect, SELF_CHECKS } from './support/selfcheck.js'

const only = process.env.DMAPLAN_SCENARIOS?.split(',').filter((s) => s !== '')
const all = (await loadScenarios()).filter((s) => only === undefined || only.includes(s.plan.name))
const commands = missingCommands(['qemu-system-x86_64', 'busybox', 'cpio', 'gzip', 'iasl'])
// Two QEMUs at a time, one per core, whatever line they belong to.
const limit = limiter(2)

for (const { label, found } of await kernelLines()) {
  const missing = [...('missing' in found ? found.missing : []), ...commands]
  if (needTools('test/kernel/conformance.test.ts', `real-kernel conformance (${label} line)`, missing) && 'line' in found) defineLine(found.line)
}

function defineLine(kernel: KernelLine): void {
  const scenarios = all.filter((s) => runsOn(s, kernel.release))
  const root = kernel.workdir('dmaplan-conformance-')
  const started = Date.now()
  let built: Promise<Built> | undefined
  const runs = new Map<string, Promise<ScenarioRun>>()
  const checks = new Map<string, Promise<Awaited<ReturnType<typeof runModule>>>>()
  const failed: string[] = []
  const planOf = (s: Scenario) => planFor(s, kernel.release)

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
      const run = build.then((b) => {
        const ko = b.modules.get(name)
        if (ko === undefined) throw new Error(`${name}.ko was not built`)
        return limit(() => runModule(ko, c.platform, kernel))
      })
      run.catch(() => {})
      checks.set(name, run)
    }
    for (const s of scenarios) {
      const name = s.plan.name
      const run = build.then((b) => {
        const ko = b.modules.get(name)
        if (ko === undefined) throw new Error(`${name}.ko was not built`)
        return limit(() => runScenario(s, ko, kernel, b.provider))
      })
      // Awaited by the scenario's own test; until then a failure must not count as unhandled.
      run.catch(() => {})
      runs.set(name, run)
    }
    build.catch(() => {})
  })

  afterAll(() => {
    if (failed.length === 0 && !process.env.DMAPLAN_KEEP_KERNEL) rmSync(root, { recursive: true, force: true })
    else console.log(`kernel test output kept in ${root}`)
  })

  describe(`real-kernel conformance on ${kernel.version}`, () => {
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
      const settled = await Promise.allSettled([...runs.values()])
      const done = settled.filter((x): x is PromiseFulfilledResult<ScenarioRun> => x.status === 'fulfilled').map((x) => x.value)
      const agree = done.filter((r) => describeRun(r).length === 0)
      const seconds = ((Date.now() - started) / 1000).toFixed(0)
      console.log(
        `conformance ${kernel.version}: ${agree.length}/${scenarios.length} scenarios agree (${seconds} s, ${done.reduce((n, r) => n + r.seconds, 0).toFixed(0)} s of QEMU)`,
      )
      for (const r of done) for (const line of describeRun(r)) console.log(line)
      expect(agree.length).toBe(scenarios.length)
    }, 600_000)
  })
}
