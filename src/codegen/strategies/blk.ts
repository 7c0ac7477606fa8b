/** blk: one block request; the request's operation sets the direction (rq_dma_dir()). */
import type { StrategyDef } from './strategy.js'
import { whole } from './strategy.js'

export const blk: StrategyDef = {
  strategy: 'blk',
  summary: 'blk: one block request, mapped by the block layer DMA iterator',
  refuse: (ctx) =>
    ctx.dir === 'bidirectional'
      ? `transaction ${ctx.tx} is a bidirectional blk transaction, but a block request moves data one way (rq_dma_dir() is DMA_TO_DEVICE or DMA_FROM_DEVICE); map it to-device or from-device, or use another strategy.`
      : undefined,
  slices: (bufs) => whole('blk', bufs),
}
