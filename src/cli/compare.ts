/**
 * dmaplan compare <plan>: the library's comparison of strategies
 * (compareStrategies(), src/sim/compare) printed side by side, or as JSON.
 */
import type { KernelVersion } from '../plan/kernel.js'
import { freezePlan } from '../plan/load.js'
import { compareStrategies, SimError } from '../sim/index.js'
import type { SimOptions, StrategyRow, TransactionComparison } from '../sim/index.js'
import { EXIT, InputError } from './errors.js'
import { loadPlanFile, violationLine } from './load-plan.js'
import { showPath } from './location.js'
import type { Output } from './output.js'

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
    for (const v of loaded.violations) out.print(violationLine(v))
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
