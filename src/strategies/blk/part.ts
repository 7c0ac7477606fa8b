/**
 * blk: a block request over the buffers, mapped with the block layer's DMA
 * iterator (blk_rq_dma_map_iter_start/next) and torn down with
 * blk_rq_dma_unmap(), plus per-segment unmaps when it says so.
 * Template: templates/module/blk.c.
 */
import type { Feature } from '../../codegen/features.js'
import type { PartDef } from '../../codegen/parts/part.js'
import { names } from '../page/part.js'
import { blk as descriptor } from './index.js'

export const blk: PartDef = {
  id: 'blk',
  request: true,
  file: descriptor.template,
  field: 'blk',
  ctype: 'struct dmaplan_blk',
  summary: 'one block request, mapped by the block layer iterator',
  includes: ['linux/blk-mq.h'],
  features: (k): Feature[] => ['blk_dma_iter', ...(k.blkP2pMap ? (['map_phys'] as const) : [])],
  // A segment never spans a page boundary it cannot cross, so pages bound the count.
  segs: (bufs) => bufs.reduce((n, b) => n + b.pages, 0),
  map: {
    section: 'blk.map',
    call: (c) => ({ fn: 'dmaplan_blk_map', args: [c.dev, c.queue, c.tx, c.state, `${c.slice.first}`, `${c.slice.count}`] }),
    pseudo: (s) => [
      `rq = a ${s.dir === 'DMA_TO_DEVICE' ? 'REQ_OP_DRV_OUT' : 'REQ_OP_DRV_IN'} request whose bio holds ${names(s)}    on error: fail`,
      `if !blk_rq_dma_map_iter_start(rq, dev, &state, &iter): free rq; fail with blk_status_to_errno(iter.status)`,
      `    (the first segment decides the P2P type of the request; all of it is one IOVA range, or none of it)`,
      ...(s.kernel.blkP2pMap ? ['p2p = iter.p2pdma.map'] : []),
      `do: the device gets segment (iter.addr, iter.len); mapped += iter.len`,
      s.kernel.blkIterNoState ? 'while blk_rq_dma_map_iter_next(rq, dev, &iter)' : 'while blk_rq_dma_map_iter_next(rq, dev, &state, &iter)',
      `if iter.status != BLK_STS_OK: unmap rq; fail with blk_status_to_errno(iter.status)`,
      'coalesced = blk_rq_dma_map_coalesce(&state)    (one IOVA range for the request, or a mapping per segment)',
    ],
  },
  unmap: {
    section: 'blk.unmap',
    call: (c) => ({ fn: 'dmaplan_blk_unmap', args: [c.dev, c.tx, c.state] }),
    pseudo: (s) =>
      s.kernel.blkP2pMap
        ? [
            `if !blk_rq_dma_unmap(rq, dev, &state, mapped, p2p):    (false: it was mapped segment by segment)`,
            `    for each segment (addr, len), in order: dma_unmap_phys(dev, addr, len, rq_dma_dir(rq), p2p == PCI_P2PDMA_MAP_THRU_HOST_BRIDGE ? DMA_ATTR_MMIO : 0)`,
            'free rq and its bio',
          ]
        : [
            `if !blk_rq_dma_unmap(rq, dev, &state, mapped):    (false: it was mapped segment by segment)`,
            `    for each segment (addr, len), in order: dma_unmap_page(dev, addr, len, rq_dma_dir(rq))`,
            'free rq and its bio',
          ],
  },
  sync: {
    ranged: true,
    sections: () => ['blk.sync'],
    call: (c, to, first, count) => ({ fn: 'dmaplan_blk_sync', args: [c.dev, c.tx, c.state, first, count, to === 'cpu' ? 'true' : 'false'] }),
    pseudo: (s, to) => [
      'if coalesced:    (one IOVA range over discontiguous memory: buffer by buffer)',
      `    dma_sync_single_for_${to}() of each buffer at state.addr + its offset, in pieces that cross no granule boundary where a bounce may sit`,
      'else:',
      `    for each segment (addr, len): dma_sync_single_for_${to}(dev, addr, len, ${s.dir})`,
    ],
  },
}
