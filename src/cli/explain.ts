/**
 * dmaplan explain <rule-or-finding>: the rule or the finding in plain words,
 * the kernel code it comes from, and what to do.
 */
import { RULE_RANGE, RULES } from '../plan/rules/registry.js'
import { explainFinding } from '../sim/explain.js'
import type { Explanation } from '../sim/explain.js'

export type { Explanation }

import type { RuleInfo } from '../plan/rules/registry.js'
import { EXIT, UsageError } from './errors.js'
import type { Output } from './output.js'

/** More explanations (the simulator's findings) join the rules through this list. */
const catalogs: ((id: string) => Explanation | undefined)[] = [
  (id) => {
    const r: RuleInfo | undefined = (RULES as Record<string, RuleInfo>)[id]
    return r && { id: r.id, title: r.title, says: r.rule, why: r.why, kernel: r.kernel, instead: r.instead }
  },
  explainFinding,
]

export function addCatalog(lookup: (id: string) => Explanation | undefined): void {
  catalogs.push(lookup)
}

export function lookup(id: string): Explanation | undefined {
  const key = id.trim().toUpperCase()
  for (const c of catalogs) {
    const e = c(key) ?? c(id.trim())
    if (e) return e
  }
  return undefined
}

export function explain(ids: readonly string[], out: Output): number {
  if (ids.length === 0) throw new UsageError('explain needs a rule or finding id, such as R6 or D9')
  const found: Explanation[] = []
  for (const id of ids) {
    const e = lookup(id)
    if (!e) throw new UsageError(`${id} is not a rule or finding dmaplan knows; rules are ${RULE_RANGE}, findings are listed in the simulation output`)
    found.push(e)
  }
  if (out.json) out.print(JSON.stringify(found.length === 1 ? found[0] : found, null, 2))
  else
    out.print(
      found
        .map((e) => [`${e.id}: ${e.title}`, '', e.says, '', `Why: ${e.why}`, '', 'Kernel:', ...e.kernel.map((k) => `  ${k}`), '', `What to do: ${e.instead}`].join('\n'))
        .join('\n\n'),
    )
  return EXIT.clean
}
