/** blk: one block request; the request's operation sets the direction (rq_dma_dir(), rule R10). */
import type { StrategyDef } from '../../codegen/strategies/strategy.js'
import { whole } from '../../codegen/strategies/strategy.js'
import { blk as descriptor } from './index.js'
import { blk as part } from './part.js'

export const blk: StrategyDef = {
  strategy: descriptor.name,
  summary: descriptor.summary,
  part,
  slices: (bufs) => whole('blk', bufs),
}
