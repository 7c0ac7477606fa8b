/**
 * dmaplan compare <plan>: every transaction of the plan under every strategy
 * that can map it, side by side: kernel calls, IOVA space, page-table writes,
 * IOTLB flushes, bounce bytes, hardware segments, metadata bytes. A strategy
 * that breaks a rule for the transaction is listed with the rule's sentence.
 * Transactions of one shape (strategy, direction, attributes, and each
 * region's offset in its page and length: a driver's recurring mapping in
 * an imported trace) are compared once, by their first, and named together.
 */
import type { MapStep, Plan, Strategy } from '../plan/ir.js'
import type { KernelVersion } from '../plan/kernel.js'
import { freezePlan } from '../plan/load.js'
import { validatePlan } from '../plan/rules/validate.js'
import { simulate, SimError } from '../sim/index.js'
import { STRATEGY_NAMES } from '../strategies/index.js'
import type { SimOptions, TransactionResult } from '../sim/index.js'
import { EXIT, InputError } from './errors.js'
import { loadPlanFile } from './load-plan.js'
import { showPath } from './location.js'
import type { Output } from './output.js'

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
    segments: t.segments.length,
    metadataBytes: t.metadataBytes,
    findings,
  }
}

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
      if (broken.length > 0) return { strategy, refused: broken[0]?.message ?? '' }
      const result = simulate(variant, options)
      const t = result.transactions.find((x) => x.name === m.tx)
      if (t === undefined) return { strategy, refused: 'the simulation did not reach this transaction' }
      return row(strategy, t, result.ok, result.findings.filter((f) => f.tx === m.tx && f.severity === 'error').length)
    })
    return { tx: m.tx, planned: m.strategy, alike, rows }
  })
}

const METRICS: readonly [keyof StrategyRow, string][] = [
  ['status', 'status'],
  ['path', 'kernel path'],
  ['calls', 'kernel calls'],
  ['iovaPages', 'IOVA pages'],
  ['pteWrites', 'page-table writes'],
  ['iotlbFlushes', 'IOTLB flushes'],
  ['bounceBytes', 'bounce bytes'],
  ['segments', 'hw segments'],
  ['metadataBytes', 'metadata bytes'],
  ['findings', 'error findings'],
]

export function formatComparison(comparisons: readonly TransactionComparison[]): string {
  const out: string[] = []
  for (const c of comparisons) {
    const usable = c.rows.filter((r) => r.refused === undefined)
    const alike = c.alike.length === 0 ? '' : `, and ${c.alike.length} more of its shape: ${c.alike.slice(0, 8).join(', ')}${c.alike.length > 8 ? ', ...' : ''}`
    out.push(`transaction ${c.tx} (planned: ${c.planned})${alike}`)
    const head = ['', ...usable.map((r) => (r.strategy === c.planned ? `${r.strategy}*` : r.strategy))]
    const table = [head, ...METRICS.map(([key, label]) => [label, ...usable.map((r) => String(r[key] ?? ''))])]
    const widths = head.map((_, i) => Math.max(...table.map((line) => (line[i] ?? '').length)))
    for (const line of table) out.push(`  ${line.map((cell, i) => (i === 0 ? cell.padEnd(widths[i] ?? 0) : cell.padStart(widths[i] ?? 0))).join('  ')}`)
    for (const r of c.rows.filter((x) => x.refused !== undefined)) out.push(`  ${r.strategy}: ${r.refused}`)
    out.push('')
  }
  return out.join('\n').trimEnd()
}

export async function compare(file: string, options: SimOptions, out: Output, kernel?: KernelVersion): Promise<number> {
  const loaded = await loadPlanFile(file)
  if (loaded.plan === undefined) {
    for (const v of loaded.violations) out.print(`${v.where} ${v.rule} ${v.message.replace(/^R\d: /, '')}`)
    return EXIT.defect
  }
  let comparisons
  try {
    // --kernel: the same traffic on another release (a what-if: this driver's mappings under 7.3's IOVA API).
    const plan = kernel === undefined ? loaded.plan : freezePlan({ ...loaded.plan, platform: { ...loaded.plan.platform, kernel } })
    comparisons = compareStrategies(plan, options)
  } catch (e) {
    if (e instanceof SimError) throw new InputError(`${showPath(file)}: ${e.message}`)
    throw e
  }
  if (out.json) out.print(JSON.stringify({ plan: loaded.plan.name, transactions: comparisons }, null, 2))
  else out.print(formatComparison(comparisons))
  return EXIT.clean
}
