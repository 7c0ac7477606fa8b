/**
 * Real drivers as referees (support/driver-run.ts): each driver of drivers/
 * on VT-d strict and lazy, its trace imported and simulated. Behind VT-d
 * strict and lazy (whose flush queue's timer runs where the fq_flush probe
 * saw it) every DMA address the kernel gave must be the simulator's; where
 * an interrupt inside the calls just before a map leaves the trace's order
 * in doubt, the kernel's IOVA is taken and counted (TRACE-ORDER). Each line's last test
 * prints `drivers <version>: ...`.
 */
import { mkdtempSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import type { KernelLine } from '../../support/kernels.js'
import type { DriverWorkload } from '../support/driver.js'
import type { DriverRun, DriverSetup } from '../support/driver-run.js'
import { DRIVER_SETUPS, runDriver } from '../support/driver-run.js'
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
            `driver ${d.name} on ${kernel.version} ${setup}: ${s?.dmaEvents ?? 0} dma events, ${s?.mappings ?? 0} mappings of ${r.device ?? 'no device'}, ${r.compared - r.disagreements.length}/${r.compared} DMA addresses as predicted, ${r.missedProbes} probe hits missed${r.rebooted ? ', booted twice (the first boot hung)' : ''} (${r.orderInDoubt} where the trace left the order against an interrupt in doubt: TRACE-ORDER), ${r.seconds.toFixed(0)} s`,
          )
          expect(r.problems, r.lines.slice(-40).join('\n')).toEqual([])
          expect(s?.defects ?? []).toEqual([])
          expect(s?.mappings ?? 0).toBeGreaterThanOrEqual(d.minMappings)
          // Every DMA address as predicted, on strict and on lazy (whose flush queue's timer runs where the fq_flush probe saw it).
          expect(describeDriverRun(r)).toEqual([])
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
