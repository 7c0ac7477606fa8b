/**
 * R10: a blk transaction moves data one way. The block layer maps a request
 * with the direction of its operation, rq_dma_dir() (include/linux/blk-mq.h:
 * DMA_TO_DEVICE for a write, DMA_FROM_DEVICE otherwise), in
 * blk_dma_map_direct() and blk_rq_dma_map_iova() (block/blk-mq-dma.c) and
 * again at blk_rq_dma_unmap() (include/linux/blk-mq-dma.h): no request is
 * mapped DMA_BIDIRECTIONAL, so the generator has no code to write for one.
 *
 * This file holds the whole rule: its explanation, its sentence (a type and a
 * function of the same name), its run-time check, and its type-level check
 * (BlkDirections, which the builder's strategy table reads): both levels speak
 * the sentence byte for byte.
 */
import type { DeviceIR, MapStep } from '../ir.js'
import type { Finding } from './finding.js'

export const R10 = {
  id: 'R10',
  title: 'a block request moves data one way',
  rule: 'A block request moves data one way: a blk transaction is to-device or from-device, never bidirectional (rq_dma_dir()).',
  why: 'The block layer takes a request\'s DMA direction from its operation: rq_dma_dir() is DMA_TO_DEVICE for a write and DMA_FROM_DEVICE otherwise, and blk_rq_dma_map_iter_start() and blk_rq_dma_unmap() map and unmap with it; there is no bidirectional block request.',
  kernel: [
    'include/linux/blk-mq.h: rq_dma_dir()',
    'block/blk-mq-dma.c: blk_dma_map_direct(), blk_rq_dma_map_iova()',
    'include/linux/blk-mq-dma.h: blk_rq_dma_unmap()',
  ],
  instead: 'Map the transaction to-device or from-device (one request per direction), or use another strategy.',
} as const

export type writeBlkOneWayMessage<T extends string, D extends string> =
  `R10: transaction ${T} of ${D} is a bidirectional blk transaction, but a block request moves data one way (rq_dma_dir() is DMA_TO_DEVICE or DMA_FROM_DEVICE); map it to-device or from-device, or use another strategy.`
export const writeBlkOneWayMessage = <T extends string, D extends string>(tx: T, device: D): writeBlkOneWayMessage<T, D> =>
  `R10: transaction ${tx} of ${device} is a bidirectional blk transaction, but a block request moves data one way (rq_dma_dir() is DMA_TO_DEVICE or DMA_FROM_DEVICE); map it to-device or from-device, or use another strategy.`

/** The run-time check of a map step: R10's finding, or undefined when the step keeps the rule. */
export function checkBlkOneWay(step: MapStep, client: DeviceIR): Finding<'R10'> | undefined {
  return step.strategy === 'blk' && step.dir === 'bidirectional' ? { rule: R10.id, text: writeBlkOneWayMessage(step.tx, client.name) } : undefined
}

/**
 * The directions each strategy can map, for the type-level check
 * (src/dsl/types/context.ts OkTx): blk every direction but bidirectional.
 */
export type BlkDirections = 'to-device' | 'from-device'
