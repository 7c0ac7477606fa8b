/**
 * The strategies that can map a transaction as written, from the static
 * facts alone: the platform's table of strategy and direction pairs (R1, R5,
 * R7, R9, R10) and each strategy's verdict on every region's memory kind
 * (src/plan/rules/verdicts.ts; R2 to R5).
 */
import type * as TS from 'typescript'
import { DIRECTIONS } from '../plan/ir.js'
import type { StrategyDescriptor } from '../strategies/descriptor.js'
import { DESCRIPTORS } from '../strategies/index.js'
import { allowedPairs, memoryKind, regionFacts } from './context.js'
import type { BuilderCall } from './syntax.js'

/**
 * The strategies the platform allows in this direction whose verdict on every
 * region's kind is ok (uniform ones need one kind, R2); undefined when a
 * region's kind is not in the types (a list held in a variable).
 */
export function strategiesFor(ts: typeof TS, checker: TS.TypeChecker, call: BuilderCall, dir: string | undefined): StrategyDescriptor[] | undefined {
  const pairs = allowedPairs(ts, checker, call.receiver)
  const list = call.call.arguments[2]
  if (pairs === undefined || list === undefined || !ts.isArrayLiteralExpression(list)) return undefined
  const kinds = list.elements.map((e) => {
    const r = regionFacts(ts, checker, e)
    return r === undefined ? undefined : memoryKind(ts, checker, e, r.source, call.receiver)
  })
  if (kinds.some((k) => k === undefined)) return undefined
  const oneKind = new Set(kinds).size <= 1
  return (DESCRIPTORS as readonly StrategyDescriptor[]).filter(
    (d) =>
      pairs.some(([s, dd]) => s === d.name && (dir === undefined || !DIRECTIONS.includes(dir as never) || dd === dir)) &&
      kinds.every((k) => k !== undefined && d.verdicts[k] === 'ok') &&
      (oneKind || !d.uniform),
  )
}
