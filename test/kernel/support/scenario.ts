/**
 * A conformance scenario: a plan written with the DSL for one QEMU set-up
 * (qemu.ts), what it is there to show, and, where the scenario exists to
 * show a failure the kernel must produce, which map fails and how. The
 * comparison with the simulator does not use `fails`: it only checks that
 * the scenario still exercises what it claims to.
 */
import type { Plan } from '../../../src/plan/ir.js'
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
}

export function scenario(s: Scenario): Scenario {
  return s
}
