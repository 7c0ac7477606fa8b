/**
 * The simulator back end: run a plan on a faithful, deterministic model of
 * the Linux DMA layer and get a stable JSON result.
 *
 * @example
 * import { simulate, formatSummary, resultToJson } from 'dmaplan/sim'
 * const result = simulate(plan)                       // SimResult
 * process.stdout.write(formatSummary(result))         // the readable report
 * fs.writeFileSync('out.json', resultToJson(result))  // 64-bit values as "0x..." strings
 * process.exitCode = result.ok ? 0 : 1
 * txLayout(result, plan, result.transactions[0])      // its physical ranges, IOVA ranges, bounce slots, segments and their links
 * compareStrategies(plan)                             // every strategy on each transaction, typed figures
 */
import type { Plan } from '../plan/ir.js'
import type { SimOptions } from './options.js'
import type { SimResult } from './result/schema.js'
import { runPlan } from './run/simulate.js'

export type { SimOptions } from './options.js'
export { simResultSchema, simResultJsonSchema, SIM_RESULT_FORMAT } from './result/schema.js'
export type { SimResult, TransactionResult, DataError, SimKernelCall } from './result/schema.js'
export { formatSummary } from './result/summary.js'
export { resultToJson } from './result/json.js'
export { SimError } from './sim-error.js'
export { runPlan } from './run/simulate.js'
export type { RunOutput } from './run/simulate.js'
export { describePattern } from './result/pattern-doc.js'
export { STRATEGIES } from './strategies/index.js'
export { txLayout, txRegionNames, swiotlbPool } from './result/layout/index.js'
export type { TxLayout, PhysRange, SwiotlbPool, BounceSlots, IovaRange, Segment, Piece, Link, LinkKind, Route, Band, DeviceView } from './result/layout/index.js'
export { compareStrategies } from './compare/compare.js'
export type { StrategyRow, TransactionComparison } from './compare/compare.js'
export type { TxContext, TxMapping, HwSegment, MapOutcome, StrategyFn } from './strategies/strategy.js'

/** Simulate a plan. Throws SimError when the plan cannot be placed on its platform. */
export function simulate(plan: Plan, options: SimOptions = {}): SimResult {
  return runPlan(plan, options).result
}
