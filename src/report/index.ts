/**
 * The HTML mapping report of `dmaplan simulate <plan> --html FILE`: one
 * self-contained page (inline CSS, inline SVG, no script, no network) that
 * draws per transaction the physical ranges, the swiotlb slots, the IOVA
 * space and the hardware scatter-gather list with the links between them,
 * and lists the findings and the data check.
 *
 * @example
 * import { simulate } from 'dmaplan/sim'
 * import { renderHtml } from './report/index.js'
 * writeFileSync('report.html', renderHtml(simulate(plan), plan))
 */
import type { Plan } from '../plan/ir.js'
import type { SimResult } from '../sim/result/schema.js'
import type { ReportOptions } from './options.js'
import { renderPage } from './page.js'

export type { ReportOptions } from './options.js'
export type { TxModel, PhysRange, IovaRange, BounceSlots, Segment, Piece, Link, LinkKind, Route, Band } from './model.js'
export { txModel } from './model.js'

/** The report as one HTML document. Deterministic: the same result and plan give the same bytes. */
export function renderHtml(result: SimResult, plan: Plan, options: ReportOptions = {}): string {
  return renderPage(result, plan, options)
}
