/**
 * Loading and writing plans as JSON. A loaded plan is decoded by the zod
 * schema (defaults filled in, 64-bit strings made exact), completed (access
 * steps without a length reach the end of their region) and deeply frozen.
 */
import { z } from '../vendor/zod.js'
import type { DriverStep, Plan, Step } from './ir.js'
import { planSchema, stepSchema } from './schema.js'
import { unreachable } from './unreachable.js'
import { formatU64 } from './u64.js'

export interface PlanIssue {
  /** Where in the JSON document, as a dotted path ("steps.3.tx"). */
  readonly path: string
  readonly message: string
}

export type DecodeResult = { readonly ok: true; readonly plan: Plan } | { readonly ok: false; readonly issues: readonly PlanIssue[] }

export function decodePlan(json: unknown): DecodeResult {
  const r = planSchema.safeDecode(json as z.input<typeof planSchema>)
  if (!r.success) {
    return { ok: false, issues: r.error.issues.map((i) => ({ path: i.path.map(String).join('.'), message: issueText(i) })) }
  }
  const { $schema: _, ...decoded } = r.data
  const plan = freezePlan(complete(decoded as Plan))
  decodedPlans.add(plan)
  return { ok: true, plan }
}

/** Plans decodePlan() returned: checked by the schema and frozen, so what the schema's encode would check holds. */
const decodedPlans = new WeakSet<Plan>()

/** What is wrong with one step's values, in the words decodePlan() uses for the same step of a JSON plan. */
export function driverStepIssues(step: DriverStep): string[] {
  const e = stepSchema.safeEncode(step as z.output<typeof stepSchema>)
  const r = e.success ? stepSchema.safeDecode(e.data) : e
  return r.success ? [] : r.error.issues.map((i) => `${step.op} ${i.path.map(String).join('.')}: ${issueText(i)}`)
}

/** zod's issues in the words of a plan: what is missing, unknown or of the wrong kind. */
function issueText(issue: z.core.$ZodIssue): string {
  switch (issue.code) {
    case 'unrecognized_keys':
      return `unknown propert${issue.keys.length > 1 ? 'ies' : 'y'} ${issue.keys.map((k) => `"${k}"`).join(', ')}`
    case 'invalid_type': {
      // zod does not keep the input; its message says what it received.
      const received = issue.message.match(/received (\w+)/)?.[1]
      return received === undefined || received === 'undefined' ? `missing (expected ${issue.expected})` : `expected ${issue.expected}, not ${received}`
    }
    case 'invalid_value':
      return `must be ${issue.values.map((v) => JSON.stringify(v)).join(' or ')}`
    case 'invalid_union':
      return issue.path.length > 0 ? 'is not a value this field accepts' : issue.message
    case 'too_big':
    case 'too_small':
    case 'invalid_format':
    case 'not_multiple_of':
    case 'invalid_key':
    case 'invalid_element':
    case 'custom':
      return issue.message
    default:
      return unreachable(issue)
  }
}

/** Resolve "to the end of the region" in access steps. */
function complete(plan: Plan): Plan {
  // The first region of a name, as a scan of the list would find it.
  const byName = new Map<string, Plan['regions'][number]>()
  for (const r of plan.regions) if (!byName.has(r.name)) byName.set(r.name, r)
  const steps = plan.steps.map((s): Step => {
    if ((s.op === 'device-read' || s.op === 'device-write' || s.op === 'cpu-read' || s.op === 'cpu-write') && s.bytes === 0n) {
      const region = byName.get(s.region)
      return { ...s, bytes: (region?.bytes ?? 0n) - s.offset }
    }
    return s
  })
  return { ...plan, steps }
}

/**
 * The JSON form of a plan (64-bit values as hex strings). A decoded plan is
 * written by jsonValues(); any other object goes through the schema's
 * encode, which refuses what is not a plan.
 */
export function encodePlan(plan: Plan): z.input<typeof planSchema> {
  if (decodedPlans.has(plan)) return jsonValues(plan) as z.input<typeof planSchema>
  return planSchema.encode(plan as z.output<typeof planSchema>)
}

/**
 * What planSchema.encode() gives for a value the schema accepts, without
 * the schema: every bigint (the schema's only one is u64) as formatU64()
 * writes it, keys whose value is undefined left out, the rest copied. For a
 * plan of 10^5 steps it takes a tenth of the schema's time; whatever it is
 * given, decodePlan() checks its output (test/plan/json-values.test.ts
 * holds it to the schema).
 */
export function jsonValues(value: unknown): unknown {
  if (typeof value === 'bigint') return formatU64(value)
  if (typeof value !== 'object' || value === null) return value
  if (Array.isArray(value)) return value.map(jsonValues)
  // for-in over a plan's own plain objects: Object.entries() would make two arrays per object of 10^5 steps.
  const out: Record<string, unknown> = {}
  for (const k in value) {
    const v = (value as Record<string, unknown>)[k]
    if (v !== undefined) out[k] = jsonValues(v)
  }
  return out
}

export function planToJson(plan: Plan): string {
  return `${JSON.stringify(encodePlan(plan), null, 2)}\n`
}

export function freezePlan<T>(value: T): T {
  if (value !== null && typeof value === 'object' && !Object.isFrozen(value)) {
    for (const k in value) freezePlan((value as Record<string, unknown>)[k])
    Object.freeze(value)
  }
  return value
}
