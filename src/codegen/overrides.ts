/**
 * --strategy and --kernel: the plan as if it had been written with them. The
 * result is checked against the rules like any plan, so an override that
 * breaks one gets that rule's sentence and no code.
 */
import { freezePlan } from '../plan/load.js'
import type { Plan, Step, Strategy } from '../plan/ir.js'
import type { KernelVersion } from '../plan/kernel.js'

export interface Overrides {
  readonly strategy?: Strategy
  readonly kernel?: KernelVersion
}

export function applyOverrides(plan: Plan, { strategy, kernel }: Overrides): Plan {
  if (strategy === undefined && kernel === undefined) return plan
  const steps = plan.steps.map((s): Step => (strategy !== undefined && s.op === 'map' ? { ...s, strategy } : s))
  const platform = kernel !== undefined ? { ...plan.platform, kernel } : plan.platform
  return freezePlan({ ...plan, platform, steps })
}
