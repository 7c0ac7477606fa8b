/**
 * The plans this module instance's builder made: build() has decoded them
 * through the plan schema, frozen them and found no rule broken, so a
 * loader that meets one as a plan file's default export need not encode,
 * decode and validate it again. A plan made any other way (by hand, or by
 * another copy of the package) is not here and gets every check.
 */
import type { Plan } from '../plan/ir.js'

const built = new WeakSet<Plan>()

export function markBuilt(plan: Plan): Plan {
  built.add(plan)
  return plan
}

export function isBuilt(value: unknown): value is Plan {
  return typeof value === 'object' && value !== null && built.has(value as Plan)
}
