/**
 * Strategy "blk": a block request mapped the way nvme-pci does it with the
 * block-layer DMA iterators (block/blk-mq-dma.c,
 * drivers/nvme/host/pci.c nvme_map_data(); 6.17+).
 *
 *   ret = blk_rq_append_bio(req, bio);          the driver's own request
 *   if (ret) return ret;
 *   if (!blk_rq_dma_map_iter_start(req, dev, &iod->dma_state, &iter))
 *       return iter.status;
 *   do {
 *       iod->seg[n++] = (iter.addr, iter.len);  iod->total_len += iter.len;
 *   } while (blk_rq_dma_map_iter_next(req, dev, &iod->dma_state, &iter));
 *   if (iter.status != BLK_STS_OK) goto unmap;
 *   single_range = blk_rq_dma_map_coalesce(&iod->dma_state);
 * unmap:
 *   if (!blk_rq_dma_unmap(req, dev, &iod->dma_state, iod->total_len, iter.p2pdma.map))
 *       for each seg: dma_unmap_phys(dev, seg.addr, seg.len, dir, attrs);
 *
 * Syncs: per segment, or per bio_vec range of the coalesced IOVA.
 */
import { newIovaState } from '../../sim/dma/iova-api.js'
import type { P2pMapType } from '../../sim/dma/p2pdma.js'
import { SIZEOF_DMA_IOVA_STATE, errnoName } from '../../sim/consts.js'
import { syncIovaRange } from '../../sim/strategies/iova-sync.js'
import { BufferView, segmentsOf } from '../../sim/strategies/strategy.js'
import type { MapOutcome, TxContext } from '../../sim/strategies/strategy.js'

export function mapBlk(ctx: TxContext): MapOutcome {
  const { m, api, regions } = ctx
  const blk = m.blk
  const req = blk.newRequest(
    regions.map((r) => ({ region: r.name, phys: r.phys, len: r.bytes })),
    ctx.dir,
  )
  const appended = blk.blk_rq_append_bio(req)
  if (appended) return { ok: false, error: `blk_rq_append_bio() refused the bio (${errnoName(appended)})` }
  const state = newIovaState()
  const iter = blk.newIter()
  const segs: { dma: bigint; len: bigint }[] = []
  let total = 0n
  if (!blk.blk_rq_dma_map_iter_start(req, state, iter)) return { ok: false, error: `blk_rq_dma_map_iter_start() failed (${iter.status})` }
  do {
    segs.push({ dma: iter.addr, len: iter.len })
    total += iter.len
  } while (blk.blk_rq_dma_map_iter_next(req, state, iter))
  const map = iter.p2pdma.map as P2pMapType
  const unmap = () => {
    if (!blk.blk_rq_dma_unmap(req, state, total, map)) for (const s of segs) blk.unmapSegment(s.dma, s.len, ctx.dir, map)
    else if (state.size === 0n && map !== 'PCI_P2PDMA_MAP_BUS_ADDR') for (const s of segs) api.dma_unmap_skipped(s.dma, s.len)
  }
  if (iter.status !== 'BLK_STS_OK') {
    unmap()
    return { ok: false, error: `blk_rq_dma_map_iter_next() failed (${iter.status})` }
  }
  const coalesced = blk.blk_rq_dma_map_coalesce(state)
  const view = new BufferView(regions, segs)
  return {
    ok: true,
    mapping: {
      path: coalesced ? 'blk (one IOVA range)' : map === 'PCI_P2PDMA_MAP_BUS_ADDR' ? 'blk (bus addresses)' : `blk (${segs.length} segments)`,
      segments: () => segmentsOf(segs),
      locate: (r, o, l) => view.locate(r, o, l),
      sync: (toCpu, region) => {
        if (map === 'PCI_P2PDMA_MAP_BUS_ADDR') return
        if (coalesced) {
          regions.forEach((r, i) => {
            if (region === undefined || region === i) syncIovaRange(ctx, state.addr + view.start(i), r.phys, r.bytes, toCpu)
          })
        } else for (const s of segs) toCpu ? api.dma_sync_single_for_cpu(s.dma, s.len, ctx.dir) : api.dma_sync_single_for_device(s.dma, s.len, ctx.dir)
      },
      unmap,
      metadataBytes: () => SIZEOF_DMA_IOVA_STATE + (coalesced ? 0 : segs.length * 16),
      stateBytes: () => 0,
    },
  }
}
