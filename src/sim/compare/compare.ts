/**
 * Every transaction of a plan under every strategy that can map it, as typed
 * figures: kernel calls, IOVA space, page-table writes, IOTLB flushes, bounce
 * bytes, hardware segments, metadata bytes. A strategy that breaks a rule for
 * the transaction carries the rule's sentence instead.
 * Transactions of one shape (strategy, direction, attributes, and each
 * region's offset in its page and length: a driver's recurring mapping in
 * an imported trace) are compared once, by their first, and named together.
 *
 * @example
 * import { compareStrategies } from 'dmaplan/sim'
 * for (const c of compareStrategies(plan)) console.log(c.tx, c.rows.map((r) => r.segments))
 */
import type { MapStep, Plan, Strategy } from '../../plan/ir.js'
import { freezePlan } from '../../plan/load.js'
import { validatePlan } from '../../plan/rules/validate.js'
import type { SimOptions } from '../options.js'
import type { TransactionResult } from '../result/schema.js'
import { segmentCount } from '../result/segments.js'
import { runPlan } from '../run/simulate.js'
import { STRATEGY_NAMES } from '../../strategies/index.js'

const STRATEGIES: readonly Strategy[] = STRATEGY_NAMES

export interface StrategyRow {
  readonly strategy: Strategy
  /** The rule sentence when the strategy cannot map the transaction. */
  readonly refused?: string
  readonly ok?: boolean
  readonly status?: string
  readonly path?: string
  readonly calls?: number
  readonly iovaPages?: number
  readonly pteWrites?: number
  readonly iotlbFlushes?: number
  readonly bounceBytes?: number
  readonly segments?: number
  readonly metadataBytes?: number
  readonly findings?: number
}

export interface TransactionComparison {
  readonly tx: string
  readonly planned: Strategy
  /** The plan's other transactions of this shape, compared through this one. */
  readonly alike: readonly string[]
  readonly rows: readonly StrategyRow[]
}

/** What makes two transactions compare alike: how they map, and the layout of what they map. */
function shapeOf(m: MapStep, regions: ReadonlyMap<string, { readonly offset: bigint; readonly bytes: bigint; readonly memory: string }>): string {
  const layout = m.regions.map((n) => {
    const r = regions.get(n)
    return r === undefined ? n : `${r.memory}:${r.offset}:${r.bytes}`
  })
  return `${m.strategy}|${m.dir}|${m.attrs.join(',')}|${m.populate}|${layout.join(' ')}`
}

/** The plan with one transaction mapped by another strategy (hmm maps bidirectionally, so its direction follows). */
function withStrategy(plan: Plan, tx: string, strategy: Strategy): Plan {
  const steps = plan.steps.map((s) => (s.op === 'map' && s.tx === tx ? ({ ...s, strategy } satisfies MapStep) : s))
  return freezePlan({ ...plan, steps })
}

function row(strategy: Strategy, t: TransactionResult, ok: boolean, findings: number): StrategyRow {
  const c = t.counters
  return {
    strategy,
    ok,
    status: t.status,
    path: t.path,
    calls: t.calls.reduce((n, k) => n + (k.repeat?.count ?? 1), 0),
    iovaPages: c.iovaPages,
    pteWrites: c.pteWrites,
    iotlbFlushes: c.iotlbSyncs + c.iotlbFlushAll,
    bounceBytes: c.bounceBytesToDevice + c.bounceBytesToCpu,
    segments: segmentCount(t.segments),
    metadataBytes: t.metadataBytes,
    findings,
  }
}

/** Compare every strategy on each shape of transaction in the plan. Throws SimError when the plan cannot be placed on its platform. */
export function compareStrategies(plan: Plan, options: SimOptions = {}): TransactionComparison[] {
  const maps = plan.steps.filter((s): s is MapStep => s.op === 'map')
  const regions = new Map(plan.regions.map((r) => [r.name, r]))
  const shapes = new Map<string, { readonly first: MapStep; readonly alike: string[] }>()
  for (const m of maps) {
    const key = shapeOf(m, regions)
    const known = shapes.get(key)
    if (known === undefined) shapes.set(key, { first: m, alike: [] })
    else known.alike.push(m.tx)
  }
  // A trace's plan is simulated only as far as the transaction's unmap: what comes later cannot change its figures.
  const imported = maps.length > 0 && maps.every((m) => m.observed !== undefined)
  return [...shapes.values()].map(({ first: m, alike }) => {
    const end = plan.steps.findIndex((s) => s.op === 'unmap' && s.tx === m.tx)
    const upTo = imported && end >= 0 ? freezePlan({ ...plan, steps: plan.steps.slice(0, end + 1) }) : plan
    const rows = STRATEGIES.map((strategy): StrategyRow => {
      const variant = strategy === m.strategy ? upTo : withStrategy(upTo, m.tx, strategy)
      const broken = validatePlan(variant)
      if (broken.length > 0) return { strategy, refused: broken[0]?.text ?? '' }
      const result = runPlan(variant, options).result
      const t = result.transactions.find((x) => x.name === m.tx)
      if (t === undefined) return { strategy, refused: 'the simulation did not reach this transaction' }
      return row(strategy, t, result.ok, result.findings.filter((f) => f.tx === m.tx && f.severity === 'error').length)
    })
    return { tx: m.tx, planned: m.strategy, alike, rows }
  })
}
