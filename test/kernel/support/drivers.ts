/** The driver workloads of test/kernel/drivers, one file each. */
import { readdirSync } from 'node:fs'
import { join } from 'node:path'
import { ROOT } from '../../support/fixtures.js'
import type { DriverWorkload } from './driver.js'

export const DRIVER_DIR = join(ROOT, 'test/kernel/drivers')

export async function loadDrivers(): Promise<DriverWorkload[]> {
  const files = readdirSync(DRIVER_DIR)
    .filter((f) => f.endsWith('.ts'))
    .sort()
  const out: DriverWorkload[] = []
  for (const f of files) {
    const mod = (await import(join(DRIVER_DIR, f))) as { default?: DriverWorkload }
    if (mod.default === undefined) throw new Error(`${f} exports no driver workload`)
    out.push(mod.default)
  }
  return out
}
