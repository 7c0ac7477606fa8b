/**
 * Every name from the plan ends up in C (identifiers, string literals) and in
 * TypeScript (string literals). The IR schema already insists on C
 * identifiers; the generator checks again, because a Plan object can be made
 * by hand, and nothing else may ever reach the output.
 *
 * Generated C never uses a plan name as a whole token: it is always part of
 * a longer identifier (buf_<region>, <plan>_dmaplan_<tx>_map), so C keywords and
 * kernel macros cannot collide with it.
 */
import type { Plan } from '../plan/ir.js'
import { IDENTIFIER_RULE, isIdentifier } from '../plan/names.js'
import { PlanShapeError } from './errors.js'

function show(name: unknown): string {
  const text = typeof name === 'string' ? JSON.stringify(name) : String(name)
  return text.length > 60 ? `${text.slice(0, 57)}...` : text
}

/** Throws PlanShapeError naming every name that is not a C identifier. */
export function checkIdentifiers(plan: Plan): void {
  const issues: string[] = []
  const check = (what: string, name: unknown) => {
    if (!isIdentifier(name)) issues.push(`${what} ${show(name)} is not a C identifier (${IDENTIFIER_RULE}); the generator writes no code for it`)
  }
  check('plan name', plan.name)
  check('device', plan.device)
  for (const s of plan.platform.pci.switches) {
    check('switch', s.name)
    if (s.upstream !== undefined) check('switch', s.upstream)
  }
  for (const d of plan.devices) {
    check('device', d.name)
    if (d.at !== undefined) check('switch', d.at)
  }
  for (const r of plan.regions) {
    check('region', r.name)
    if (r.provider !== undefined) check('device', r.provider)
  }
  for (const s of plan.steps) {
    if ('tx' in s) check('transaction', s.tx)
    if ('region' in s && s.region !== undefined) check('region', s.region)
    if (s.op === 'map') for (const r of s.regions) check('region', r)
  }
  if (issues.length > 0) throw new PlanShapeError([...new Set(issues)])
}
