/**
 * Where an import's plan goes as the trace is read: each device's steps and
 * regions, in trace order, as the JSON text of each (one line, what
 * encodePlan() would give: 64-bit values as hex strings, defaults written
 * out). Text, because a plan of millions of steps is written, not kept: the
 * importer writes it without building an object to stringify. Which device's plan
 * is wanted is known only at the end (the busiest, without --device), so a
 * sink keeps every device's. The importer keeps none of it: a trace of any
 * length streams through with the memory its sink takes.
 */
import type { PLAN_FORMAT } from '../plan/ir.js'
import type { z } from '../vendor/zod.js'
import type { planSchema } from '../plan/schema.js'

type PlanJson = z.input<typeof planSchema>

/** The plan's JSON but its regions and steps: known only at the end of the trace. */
export interface PlanHead {
  readonly format: typeof PLAN_FORMAT
  readonly name: string
  readonly platform: PlanJson['platform']
  readonly device: string
  readonly devices: PlanJson['devices']
  readonly observed?: PlanJson['observed']
}

/** One device's side of the plan. */
export interface DeviceSink {
  /** The JSON text of one step (an element of the plan's `steps`). */
  step(json: string): void
  /** The JSON text of one region (an element of the plan's `regions`). */
  region(json: string): void
}

export interface PlanSink {
  /** The sink of a device's steps and regions (dev_name()), asked for once per device, at its first event. */
  device(name: string): DeviceSink
}
