/** iova: every buffer linked into one IOVA range (rules R1, R6 make that possible). */
import type { StrategyDef } from './strategy.js'
import { whole, withMmio } from './strategy.js'

export const iova: StrategyDef = {
  strategy: 'iova',
  summary: 'iova: one IOVA range for all buffers, each buffer mapped on its own where there is none',
  slices: (bufs, ctx) => whole('iova', bufs, withMmio(ctx.attrs, bufs)),
}
