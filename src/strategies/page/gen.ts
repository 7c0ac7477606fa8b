/** page: every buffer mapped on its own; the C tells MMIO (host-bridge P2P) buffers apart. */
import type { StrategyDef } from '../../codegen/strategies/strategy.js'
import { whole } from '../../codegen/strategies/strategy.js'
import { page as descriptor } from './index.js'
import { page as part } from './part.js'

export const page: StrategyDef = {
  strategy: descriptor.name,
  summary: descriptor.summary,
  part,
  slices: (bufs, ctx) => whole('page', bufs, ctx.attrs),
}
