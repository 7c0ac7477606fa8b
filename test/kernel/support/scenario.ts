/**
 * A conformance scenario: a plan written with the DSL for one QEMU set-up
 * (qemu.ts), what it is there to show, and, where the scenario exists to
 * show a failure the kernel must produce, which map fails and how. The
 * comparison with the simulator does not use `fails`: it only checks that
 * the scenario still exercises what it claims to.
 */
import type { Plan } from '../../../src/plan/ir.js'
import type { KernelVersion } from '../../../src/plan/kernel.js'
import { kernelAtLeast } from '../../../src/plan/kernel.js'
import { decodePlan, encodePlan } from '../../../src/plan/load.js'
import type { ReferencePlatformName } from './qemu.js'

export interface ScenarioFailure {
  /** The transaction whose map fails. */
  readonly tx: string
  /** The kernel message the failure prints, if any. */
  readonly message?: RegExp
}

export interface Scenario {
  readonly platform: ReferencePlatformName
  /** One line: what the scenario shows. */
  readonly about: string
  readonly plan: Plan
  readonly fails?: ScenarioFailure
  /**
   * The kernel lines it runs on: those whose release is at least `since`
   * and at most `until` (every line when both are absent). On a line other
   * than its plan's own kernel, the plan is retargeted to the line's release.
   */
  readonly since?: KernelVersion
  readonly until?: KernelVersion
}

export function scenario(s: Scenario): Scenario {
  return s
}

export function runsOn(s: Pick<Scenario, 'since' | 'until'>, release: KernelVersion): boolean {
  return (s.since === undefined || kernelAtLeast(release, s.since)) && (s.until === undefined || kernelAtLeast(s.until, release))
}

/**
 * The scenario's plan for a kernel line: as written on the 6.12 line (a
 * plan may target a newer kernel there, and its driver then takes the
 * compatibility header's fallbacks), retargeted to the line's release on a
 * newer line, so that the driver is generated for that release's APIs.
 */
export function planFor(s: Scenario, release: KernelVersion): Plan {
  if (!kernelAtLeast(release, '6.13') || s.plan.platform.kernel === release) return s.plan
  const json = encodePlan(s.plan)
  const decoded = decodePlan({ ...json, platform: { ...json.platform, kernel: release } })
  if (!decoded.ok) throw new Error(`${s.plan.name} on ${release}: ${decoded.issues.map((i) => `${i.path}: ${i.message}`).join('; ')}`)
  return decoded.plan
}
