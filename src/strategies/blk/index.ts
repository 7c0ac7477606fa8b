/** blk: one block request mapped by the block layer (block/blk-mq-dma.c blk_rq_dma_map_iter_start()). */
import type { StrategyDescriptor } from '../descriptor.js'

export const blk = {
  name: 'blk',
  summary: 'blk: one block request, mapped by the block layer DMA iterator',
  kernel: ['block/blk-mq-dma.c blk_rq_dma_map_iter_start()', 'blk_rq_dma_map_iter_next()', 'blk_rq_dma_unmap()'],
  verdicts: { normal: 'ok', 'p2p-bus': 'ok', 'p2p-host-bridge': 'ok', 'p2p-unsupported': 'unreachable', encrypted: 'ok' },
  uniform: true,
  feature: 'blk-dma-iter',
  template: 'blk',
  allocates: false,
  perPage: false,
  harness: true,
  dispatches: false,
  busAddressBySg: false,
} as const satisfies StrategyDescriptor
