/**
 * Real drivers as referees (support/driver-run.ts): each driver of drivers/
 * on VT-d strict and lazy, its trace imported and simulated. Behind VT-d
 * strict every DMA address the kernel gave must be the simulator's (where an
 * interrupt inside a map leaves the trace's order in doubt, the kernel's
 * IOVA is taken and counted: TRACE-ORDER), or be so up to a place where
 * interrupts nested in the calls just before it; behind lazy, where the flush queue's timer runs as the
 * fq_flush probe saw it, the line says how many agree and at least
 * nine in ten must. Each line's last test
 * prints `drivers <version>: ...`.
 */
import { mkdtempSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import type { KernelLine } from '../../support/kernels.js'
import type { DriverWorkload } from '../support/driver.js'
import type { DriverRun, DriverSetup } from '../support/driver-run.js'
import { DRIVER_SETUPS, interruptedLines, runDriver } from '../support/driver-run.js'
import type { Limit } from '../support/run.js'
import { finished } from '../support/suite.js'

function describeDriverRun(r: DriverRun): string[] {
  const name = `${r.driver} (${r.setup}${r.device ? `, ${r.device}` : ''})`
  return [
    ...r.problems.map((p) => `${name}: ${p}`),
    ...(r.summary?.defects ?? []).map((d) => `${name}: ${d}`),
    ...r.disagreements.map((f) => `${name}: ${f.message}`),
  ]
}

/** The share of a lazy run's DMA addresses that must be as predicted. */
const LAZY_AGREEMENT = 0.9

/** The trace line of the first map whose DMA address the simulator predicted otherwise. */
function firstDisagreement(r: DriverRun): number | undefined {
  const lines = r.disagreements.map((f) => Number(/\.trace:(\d+):/.exec(f.message)?.[1] ?? Number.NaN)).filter((n) => !Number.isNaN(n))
  return lines.length === 0 ? undefined : Math.min(...lines)
}

export function defineDrivers(kernel: KernelLine, drivers: readonly DriverWorkload[], limit: Limit): void {
  const runs = new Map<string, Promise<DriverRun>>()
  const key = (d: DriverWorkload, s: DriverSetup) => `${d.name} ${s}`
  describe(`real drivers on ${kernel.version}`, () => {
    for (const d of drivers)
      for (const setup of DRIVER_SETUPS) {
        const k = key(d, setup)
        it(`${d.name} on ${setup}: ${d.about}`, { timeout: 900_000 }, async () => {
          let run = runs.get(k)
          if (run === undefined) runs.set(k, (run = limit(() => runDriver(d, setup, kernel))))
          const r = await run
          const s = r.summary
          if (process.env.DMAPLAN_KEEP_KERNEL || describeDriverRun(r).length > 0) {
            const kept = join(mkdtempSync(join(tmpdir(), 'dmaplan-driver-')), `${d.name}-${setup}-${kernel.release}.serial`)
            writeFileSync(kept, `${r.lines.join('\n')}\n`)
            console.log(`serial output kept in ${kept}`)
          }
          console.log(
            `driver ${d.name} on ${kernel.version} ${setup}: ${s?.dmaEvents ?? 0} dma events, ${s?.mappings ?? 0} mappings of ${r.device ?? 'no device'}, ${r.compared - r.disagreements.length}/${r.compared} DMA addresses as predicted (${r.orderInDoubt} where the trace left the order against an interrupt in doubt: TRACE-ORDER), ${r.seconds.toFixed(0)} s`,
          )
          expect(r.problems, r.lines.slice(-40).join('\n')).toEqual([])
          expect(s?.defects ?? []).toEqual([])
          expect(s?.mappings ?? 0).toBeGreaterThanOrEqual(d.minMappings)
          expect(describeDriverRun(r).filter((x) => !/the kernel gave/.test(x))).toEqual([])
          if (setup === 'vtd-strict') {
            // Exact, or up to a place where interrupts nested in the calls leave the trace's order in doubt beyond what TRACE-ORDER resolves.
            const first = firstDisagreement(r)
            if (first !== undefined) {
              const trace = r.lines.filter((l) => l.startsWith('dmaplan-trace: '))
              const near = [...interruptedLines(trace)].filter((l) => l <= first && l > first - 8)
              console.log(`driver ${d.name} on ${kernel.version} ${setup}: exact up to trace line ${first}; interrupts nested in the calls just before it at ${near.join(', ') || 'none'}`)
              expect(near.length, describeDriverRun(r).slice(0, 5).join('\n')).toBeGreaterThan(0)
            }
          }
          // Lazy: the flush queue's timer runs where the fq_flush probe saw it; what is left is not yet exact (src/import/README.md).
          else expect(r.compared - r.disagreements.length, describeDriverRun(r).slice(0, 5).join('\n')).toBeGreaterThanOrEqual(Math.ceil(r.compared * LAZY_AGREEMENT))
        })
      }

    afterAll(async () => {
      const done = await finished(runs)
      const per = (setup: DriverSetup) => {
        const rs = done.filter(([, r]) => r.setup === setup).map(([, r]) => r)
        const compared = rs.reduce((n, r) => n + r.compared, 0)
        const agree = compared - rs.reduce((n, r) => n + r.disagreements.length, 0)
        return `${setup} ${agree}/${compared}`
      }
      if (done.length > 0) console.log(`drivers ${kernel.version}: ${drivers.map((d) => d.name).join(', ')}: DMA addresses as predicted on ${DRIVER_SETUPS.map(per).join(', ')}`)
    })
  })
}
