/** sg: one scatterlist; the kernel maps P2P entries itself (bus address or through the host bridge). */
import type { StrategyDef } from '../../codegen/strategies/strategy.js'
import { whole } from '../../codegen/strategies/strategy.js'
import { sg as descriptor } from './index.js'
import { sg as part } from './part.js'

export const sg: StrategyDef = {
  strategy: descriptor.name,
  summary: descriptor.summary,
  part,
  slices: (bufs, ctx) => whole('sg', bufs, ctx.attrs),
}
