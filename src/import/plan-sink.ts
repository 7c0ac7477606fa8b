/**
 * Where an import's plan goes as the trace is read: each device's steps and
 * regions, in trace order, as their JSON form (what encodePlan() gives:
 * 64-bit values as hex strings, defaults written out). Which device's plan
 * is wanted is known only at the end (the busiest, without --device), so a
 * sink keeps every device's. The importer keeps none of it: a trace of any
 * length streams through with the memory its sink takes.
 */
import type { PLAN_FORMAT } from '../plan/ir.js'
import type { z } from 'zod'
import type { planSchema } from '../plan/schema.js'

type PlanJson = z.input<typeof planSchema>
export type JsonStep = PlanJson['steps'][number]
export type JsonRegion = NonNullable<PlanJson['regions']>[number]

/** The plan's JSON but its regions and steps: known only at the end of the trace. */
export interface PlanHead {
  readonly format: typeof PLAN_FORMAT
  readonly name: string
  readonly platform: PlanJson['platform']
  readonly device: string
  readonly devices: PlanJson['devices']
}

/** One device's side of the plan. */
export interface DeviceSink {
  step(step: JsonStep): void
  region(region: JsonRegion): void
}

export interface PlanSink {
  /** The sink of a device's steps and regions (dev_name()), asked for once per device, at its first event. */
  device(name: string): DeviceSink
}
