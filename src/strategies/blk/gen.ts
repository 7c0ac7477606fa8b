/** blk: one block request; the request's operation sets the direction (rq_dma_dir()). */
import type { StrategyDef } from '../../codegen/strategies/strategy.js'
import { whole } from '../../codegen/strategies/strategy.js'
import { blk as descriptor } from './index.js'

export const blk: StrategyDef = {
  strategy: descriptor.name,
  summary: descriptor.summary,
  refuse: (ctx) =>
    ctx.dir === 'bidirectional'
      ? `transaction ${ctx.tx} is a bidirectional blk transaction, but a block request moves data one way (rq_dma_dir() is DMA_TO_DEVICE or DMA_FROM_DEVICE); map it to-device or from-device, or use another strategy.`
      : undefined,
  slices: (bufs) => whole('blk', bufs),
}
