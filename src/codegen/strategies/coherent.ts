/** coherent: the buffers are coherent allocations, for rings and descriptors. */
import type { StrategyDef } from './strategy.js'
import { whole } from './strategy.js'

export const coherent: StrategyDef = {
  strategy: 'coherent',
  summary: 'coherent: allocated with dma_alloc_coherent(), mapped for its whole life',
  slices: (bufs) => whole('coherent', bufs),
}
