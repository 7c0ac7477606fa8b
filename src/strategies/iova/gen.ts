/** iova: every buffer linked into one IOVA range (rules R1, R6 make that possible). */
import type { StrategyDef } from '../../codegen/strategies/strategy.js'
import { whole, withMmio } from '../../codegen/strategies/strategy.js'
import { iova as descriptor } from './index.js'
import { iova as part } from './part.js'

export const iova: StrategyDef = {
  strategy: descriptor.name,
  summary: descriptor.summary,
  part,
  slices: (bufs, ctx) => whole('iova', bufs, withMmio(ctx.attrs, bufs)),
}
