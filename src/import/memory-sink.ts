/**
 * A plan sink that keeps every device's steps and regions in memory, and
 * makes the chosen device's plan by decoding it (so every reference is
 * checked): for traces that fit, such as the tests' and the real-kernel
 * suites'. A trace of millions of events goes to a file (plan-file.ts).
 */
import type { Plan } from '../plan/ir.js'
import { decodePlan } from '../plan/load.js'
import type { DeviceSink, PlanHead, PlanSink } from './plan-sink.js'

class DevicePlan implements DeviceSink {
  // What the JSON says, checked by decodePlan() at the end.
  readonly steps: unknown[] = []
  readonly regions: unknown[] = []
  step(json: string): void {
    this.steps.push(JSON.parse(json))
  }
  region(json: string): void {
    this.regions.push(JSON.parse(json))
  }
}

export class MemorySink implements PlanSink {
  readonly #devices = new Map<string, DevicePlan>()

  device(name: string): DeviceSink {
    const d = new DevicePlan()
    this.#devices.set(name, d)
    return d
  }

  /** The plan of a device (dev_name()) under its head; throws when it does not validate. */
  plan(device: string, head: PlanHead): Plan {
    const d = this.#devices.get(device) ?? new DevicePlan()
    const decoded = decodePlan({ ...head, regions: d.regions, steps: d.steps })
    if (!decoded.ok) throw new Error(`the imported plan does not validate: ${decoded.issues.map((i) => `${i.path}: ${i.message}`).join('; ')}`)
    return decoded.plan
  }
}
