/** blk: one block request; the request's operation sets the direction (rq_dma_dir(), rule R10). */
import type { StrategyDef } from './strategy.js'
import { whole } from './strategy.js'

export const blk: StrategyDef = {
  strategy: 'blk',
  summary: 'blk: one block request, mapped by the block layer DMA iterator',
  slices: (bufs) => whole('blk', bufs),
}
