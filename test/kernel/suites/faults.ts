/**
 * Fault injection on a debug kernel: every example's harness, on the QEMU
 * set-up that stands for its platform (support/setup-for.ts), is booted
 * once for each of its fallible DMA API calls with fail_at_call=N
 * (templates/module/inject.c), N numbered as `dmaplan simulate
 * --fail-at-call N` numbers them. The kernel's record of the run (the dma
 * trace events, the IOVA API's probes, the harness's report) must equal the
 * simulation with the same call failing, the driver must have failed that
 * very call, dma-debug must report nothing (no mapping left at unbind), and
 * the simulation must leave no IOVA, page-table entry, bounce slot or
 * dma-debug entry behind. Prints `fault injection <version>: E/F
 * unwindings agree`; an example no set-up can run is a visible skip that
 * says why.
 *
 * Where the call fails because a slab allocation does (sg_alloc_table(),
 * hmm_dma_map_alloc()), the kernel's own failslab makes it fail instead of
 * the module parameter (support/failslab.ts), and its stack dump must name
 * the call. None of the other calls is marked ALLOW_ERROR_INJECTION, so
 * fail_function cannot reach them; the kernel's own exhaustion cases (a
 * full swiotlb pool, no IOVA space) are conformance scenarios of their own.
 * The harness's sweeps are off (sweep=0): the calls are what is compared.
 */
import { writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { generate, harnessPlan } from '../../../src/codegen/index.js'
import type { Plan } from '../../../src/plan/ir.js'
import { kernelAtLeast } from '../../../src/plan/kernel.js'
import { decodePlan, encodePlan } from '../../../src/plan/load.js'
import { simulate } from '../../../src/sim/index.js'
import type { SimOptions } from '../../../src/sim/options.js'
import type { KernelLine } from '../../support/kernels.js'
import type { Built } from '../support/build.js'
import { afterBuild, finished, keepOnFailure } from '../support/suite.js'
import { buildHarnesses } from '../support/build.js'
import { uncleanness } from '../support/clean.js'
import type { ReferencePlatformName } from '../support/qemu.js'
import { REFERENCE_PLATFORMS } from '../support/qemu.js'
import type { Limit, ScenarioRun } from '../support/run.js'
import { describeRun, p2pPeers, runScenario } from '../support/run.js'
import type { Failslab } from '../support/failslab.js'
import { isFailslabCall } from '../support/failslab.js'
import type { Scenario } from '../support/scenario.js'
import { planFor } from '../support/scenario.js'
import { setupFor } from '../support/setup-for.js'

interface FaultCase {
  readonly s: Scenario
  /** 1-based: the fallible call that fails; 0 for the example's run as it is. */
  readonly n: number
  /** The function the simulator says that call is. */
  readonly fn: string
  /** Which call of that function it is, where failslab makes it fail. */
  readonly failslab?: Failslab
}

export function defineFaults(kernel: KernelLine, examples: readonly Plan[], limit: Limit): void {
  const skipped: { readonly name: string; readonly why: string }[] = []
  const cases: FaultCase[] = []
  const options: SimOptions = { changes: kernel.changes, dmaApiDebug: kernel.dmaDebug === true }
  for (const example of examples) {
    // An example is written for its release and later ones (a 7.0 plan on 6.12 would meet the compat header's stubs).
    if (!kernelAtLeast(kernel.release, example.platform.kernel)) {
      skipped.push({ name: example.name, why: `written for ${example.platform.kernel}, after this line's ${kernel.release}` })
      continue
    }
    const choice = setupFor(example)
    if ('why' in choice) {
      skipped.push({ name: example.name, why: choice.why })
      continue
    }
    const s: Scenario = { platform: choice.setup, about: `example ${example.name}`, plan: withRam(example, choice.setup) }
    const plan = planFor(s, kernel.release)
    try {
      generate(plan, { target: 'harness' })
    } catch (e) {
      skipped.push({ name: example.name, why: e instanceof Error ? e.message : String(e) })
      continue
    }
    // First the example as it is (valid plans are clean under dma-debug), then each call failing.
    cases.push({ s, n: 0, fn: 'none' })
    const calls = fallibleCalls(harnessPlan(plan), options)
    calls.forEach((fn, i) => {
      const nth = calls.slice(0, i + 1).filter((f) => f === fn).length
      cases.push({ s, n: i + 1, fn, ...(isFailslabCall(fn) ? { failslab: { fn, nth } } : {}) })
    })
  }
  const plans = [...new Set(cases.map((c) => c.s))]

  describe(`fault injection on ${kernel.version}`, () => {
    const root = kernel.workdir('dmaplan-faults-')
    const started = Date.now()
    let built: Promise<Built> | undefined
    const runs = new Map<FaultCase, Promise<ScenarioRun>>()
    const failed: string[] = []

    // Inside the describe: a run that filters these tests out builds and boots nothing.
    beforeAll(() => {
      const t0 = Date.now()
      const build = buildHarnesses(
        kernel,
        plans.map((s) => planFor(s, kernel.release)),
        join(root, 'kbuild'),
        undefined,
        plans.some((s) => p2pPeers(s).length > 0),
      )
      build.then((b) => console.log(`fault injection ${kernel.version}: ${b.modules.size} harnesses built in ${((Date.now() - t0) / 1000).toFixed(0)} s`)).catch(() => {})
      built = build
      for (const c of cases) {
        const run = afterBuild(build, c.s.plan.name, (ko, b) => limit(() => runScenario(c.s, ko, kernel, b.provider, { noSweeps: true, ...(c.n === 0 ? {} : { failAtCall: c.n }), ...(c.failslab ? { failslab: c.failslab } : {}) })))
        runs.set(c, run)
      }
      build.catch(() => {})
    })

    afterAll(() => keepOnFailure(root, failed))

    it('builds every example harness with W=1 and no diagnostic', async () => {
      const b = await (built as Promise<Built>)
      expect(b.diagnostics).toEqual([])
      expect([...b.modules.keys()].sort()).toEqual(plans.map((s) => s.plan.name).sort())
    }, 1_200_000)

    for (const x of skipped) it.skip(`${x.name}: ${x.why}`, () => {})

    for (const c of cases) {
      const title =
        c.n === 0
          ? `${c.s.plan.name} (${c.s.platform}) runs whole, as the simulator does, with dma-debug silent`
          : `${c.s.plan.name} (${c.s.platform}) fails call ${c.n}, ${c.fn}${c.failslab ? ` (failslab)` : ''}, and unwinds as the simulator does`
      it(title, async () => {
        const r = await (runs.get(c) as Promise<ScenarioRun>)
        writeFileSync(join(root, `${c.s.plan.name}.fail${c.n}.log`), r.lines.join('\n'))
        const report = faultReport(c, r)
        if (report.length > 0) failed.push(`${c.s.plan.name}.fail${c.n}`)
        expect(report.join('\n')).toBe('')
      }, 1_200_000)
    }

    it('agrees with the simulator on every unwinding', async () => {
      const done = (await finished(runs)).map(([c, r]) => ({ c, r }))
      const agree = done.filter(({ c, r }) => c.n > 0 && faultReport(c, r).length === 0)
      const whole = done.filter(({ c, r }) => c.n === 0 && faultReport(c, r).length === 0)
      const unwindings = cases.filter((c) => c.n > 0).length
      const slab = agree.filter(({ c }) => c.failslab !== undefined).length
      const seconds = ((Date.now() - started) / 1000).toFixed(0)
      console.log(
        `fault injection ${kernel.version}: ${agree.length}/${unwindings} unwindings agree (${slab} of them through failslab; ${plans.length} examples, ${whole.length} of them clean as they are; ${skipped.length} skipped; ${seconds} s, ${done.reduce((n, x) => n + x.r.seconds, 0).toFixed(0)} s of QEMU)`,
      )
      for (const { c, r } of done) for (const line of faultReport(c, r)) console.log(line)
      expect(agree.length + whole.length).toBe(cases.length)
    }, 1_200_000)
  })
}

/** The plan on the set-up's RAM (the examples' platforms have their own). */
function withRam(plan: Plan, setup: ReferencePlatformName): Plan {
  const json = encodePlan(plan)
  const decoded = decodePlan({ ...json, platform: { ...json.platform, ramBytes: `0x${(BigInt(REFERENCE_PLATFORMS[setup].memory) << 20n).toString(16)}` } })
  if (!decoded.ok) throw new Error(`${plan.name} on ${setup}: ${decoded.issues.map((i) => `${i.path}: ${i.message}`).join('; ')}`)
  return decoded.plan
}

/** The plan's fallible calls in order, by function: simulated with each failing in turn until none is left. */
function fallibleCalls(plan: Plan, options: SimOptions): string[] {
  const out: string[] = []
  for (let n = 1; ; n++) {
    const r = simulate(plan, { ...options, failAtCall: n })
    const call = r.transactions.flatMap((t) => t.calls).find((c) => c.injected === true)
    if (r.faultInjection.injectedCallSeq === undefined || call === undefined) return out
    out.push(call.fn)
  }
}

/** What went wrong with one fault case, in words; nothing when all holds. */
function faultReport(c: FaultCase, r: ScenarioRun): string[] {
  const name = `${c.s.plan.name} (${c.s.platform}) ${c.n === 0 ? 'as it is' : `failing call ${c.n}`}`
  const injected = r.observation.injected
  const slab = r.observation.failslab
  const left = r.prediction.result.teardown
  const expected =
    c.n === 0
      ? injected === undefined && slab === undefined
      : c.failslab
        ? injected === undefined && slab?.fired === true && (slab.stack === undefined || slab.stack.includes(c.fn))
        : injected?.call === c.n && injected.fn === c.fn && slab === undefined
  const failedHow = injected
    ? `call ${injected.call}, ${injected.fn}`
    : slab?.fired
      ? `an allocation${slab.stack ? ` through ${slab.stack.join(' < ')}` : ''} (failslab)`
      : 'no call'
  return [
    ...(expected ? [] : [`${name}: the driver failed ${failedHow}; the simulator fails ${c.n === 0 ? 'none' : c.fn}`]),
    ...describeRun(r),
    ...uncleanness(r),
    ...(['liveIovaPages', 'livePtes', 'bounceSlots', 'dmaDebugEntries'] as const)
      .filter((k) => left[k] !== 0)
      .map((k) => `${name}: the simulation leaves ${left[k]} ${k} behind`),
  ]
}
