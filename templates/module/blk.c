//@ Strategy blk: the block layer's DMA iterator over a request. Flags:
//@ blk_p2p_map (blk_rq_dma_unmap() takes the P2P map type and segments are
//@ unmapped with dma_unmap_phys(), 6.19+), blk_iter_no_state
//@ (blk_rq_dma_map_iter_next() has no dma_iova_state argument, 7.0+).
//@section types
/*
 * A block request mapped by the block layer's DMA iterator. The first
 * segment decides the P2P type of the whole request (bios never mix them),
 * and the request is either coalesced into one IOVA range or mapped segment
 * by segment, never a mix of the two.
 */
struct dmaplan_blk {
	struct dmaplan_slice s;
	struct request *rq;
	struct bio *bio;
	struct dma_iova_state state;
	size_t mapped;
	bool coalesced;
//@if blk_p2p_map
	enum pci_p2pdma_map_type p2p;
//@endif
};

/* A request queue of the driver's own, only to build requests to map. */
struct dmaplan_queue {
	struct blk_mq_tag_set set;
	struct request_queue *q;
};
//@section queue
/*
 * The plan maps its requests in its own steps and never issues them, so
 * queue_rq is never called. What the DMA iterator maps is settled when the
 * bio is appended: blk_rq_append_bio() checks the bvecs against the queue's
 * limits (dma_alignment, max_hw_sectors, max_segments, virt_boundary_mask)
 * and records the request's phys_gap_bit, which decides whether it is
 * coalesced into one IOVA range (block/blk-map.c, block/blk-merge.c); the
 * iterator reads only the bios, phys_gap_bit, the limits and the payload
 * size, never the request's dispatch state (block/blk-mq-dma.c). Mapped in
 * queue_rq it would map the same, but then run under the block layer's
 * request timeout and out of the order of the plan's steps.
 */
static blk_status_t dmaplan_queue_rq(struct blk_mq_hw_ctx *hctx,
				     const struct blk_mq_queue_data *bd)
{
	return BLK_STS_NOTSUPP;
}

static const struct blk_mq_ops dmaplan_mq_ops = {
	.queue_rq = dmaplan_queue_rq,
};

static int dmaplan_queue_init(struct dmaplan_queue *bq,
			      struct queue_limits *lim)
{
	int ret;

	ret = blk_mq_alloc_sq_tag_set(&bq->set, &dmaplan_mq_ops, 1, 0);
	if (ret)
		return ret;
	bq->q = blk_mq_alloc_queue(&bq->set, lim, NULL);
	if (IS_ERR(bq->q)) {
		blk_mq_free_tag_set(&bq->set);
		return PTR_ERR(bq->q);
	}
	return 0;
}

static void dmaplan_queue_exit(struct dmaplan_queue *bq)
{
	blk_mq_destroy_queue(bq->q);
	blk_put_queue(bq->q);
	blk_mq_free_tag_set(&bq->set);
}
//@section request
/* A request holding the slice's buffers, in order, in one bio. */
static int dmaplan_blk_request(struct request_queue *q, struct dmaplan_tx *tx,
			       struct dmaplan_blk *m, unsigned int first,
			       unsigned int count)
{
	blk_opf_t opf = tx->dir == DMA_TO_DEVICE ? REQ_OP_DRV_OUT :
						   REQ_OP_DRV_IN;
	unsigned int i;
	int ret;

	m->rq = blk_mq_alloc_request(q, opf, 0);
	if (IS_ERR(m->rq))
		return PTR_ERR(m->rq);
	m->bio = bio_alloc(NULL, count, opf, GFP_KERNEL);
	if (!m->bio) {
		ret = -ENOMEM;
		goto err_free_rq;
	}
	for (i = first; i < first + count; i++) {
		struct dmaplan_buf *b = tx->buf[i];

		if (bio_add_page(m->bio, pfn_to_page(PHYS_PFN(b->phys)), b->len,
				 offset_in_page(b->phys)) != b->len) {
			ret = -EINVAL;
			goto err_put_bio;
		}
	}
	ret = blk_rq_append_bio(m->rq, m->bio);
	if (ret)
		goto err_put_bio;
	return 0;

err_put_bio:
	bio_put(m->bio);
err_free_rq:
	blk_mq_free_request(m->rq);
	return ret;
}
//@section unmap needs common.slice
static void dmaplan_blk_unmap(struct device *dev, struct dmaplan_tx *tx,
			      struct dmaplan_blk *m)
{
	unsigned int i;
//@if blk_p2p_map
	unsigned long attrs = 0;

	if (m->p2p == PCI_P2PDMA_MAP_THRU_HOST_BRIDGE)
		attrs |= DMA_ATTR_MMIO;
	/* false: mapped segment by segment, so unmapped segment by segment. */
	if (!blk_rq_dma_unmap(m->rq, dev, &m->state, m->mapped, m->p2p)) {
		for (i = m->s.seg; i < m->s.seg + m->s.nr_segs; i++)
			dma_unmap_phys(dev, tx->seg[i].addr, tx->seg[i].len,
				       rq_dma_dir(m->rq), attrs);
	}
//@else

	/* false: mapped segment by segment, so unmapped segment by segment. */
	if (!blk_rq_dma_unmap(m->rq, dev, &m->state, m->mapped)) {
		for (i = m->s.seg; i < m->s.seg + m->s.nr_segs; i++)
			dma_unmap_page(dev, tx->seg[i].addr, tx->seg[i].len,
				       rq_dma_dir(m->rq));
	}
//@endif
	dmaplan_slice_drop(&m->s, tx);
	blk_mq_free_request(m->rq);
	bio_put(m->bio);
}
//@section map needs blk.request blk.unmap common.slice_add
static int dmaplan_blk_map(struct device *dev, struct request_queue *q,
			   struct dmaplan_tx *tx, struct dmaplan_blk *m,
			   unsigned int first, unsigned int count)
{
	struct blk_dma_iter iter;
	int ret;

	ret = dmaplan_blk_request(q, tx, m, first, count);
	if (ret)
		return ret;

	dmaplan_slice_init(&m->s, tx, first, count, 0);
	m->mapped = 0;
	if (!blk_rq_dma_map_iter_start(m->rq, dev, &m->state, &iter)) {
		blk_mq_free_request(m->rq);
		bio_put(m->bio);
		return blk_status_to_errno(iter.status) ?: -EIO;
	}
//@if blk_p2p_map
	m->p2p = iter.p2pdma.map;
//@endif
	do {
		if (tx->nr_segs == tx->max_segs) {
			ret = -E2BIG;
			goto err_unmap;
		}
		dmaplan_slice_add(&m->s, tx, iter.addr, iter.len, first);
		m->mapped += iter.len;
//@if blk_iter_no_state
	} while (blk_rq_dma_map_iter_next(m->rq, dev, &iter));
//@else
	} while (blk_rq_dma_map_iter_next(m->rq, dev, &m->state, &iter));
//@endif
	if (iter.status == BLK_STS_OK) {
		/* One IOVA range for the whole request, or a mapping per segment. */
		m->coalesced = blk_rq_dma_map_coalesce(&m->state);
		return 0;
	}

	ret = blk_status_to_errno(iter.status);
err_unmap:
	dmaplan_blk_unmap(dev, tx, m);
	return ret;
}
//@section sync needs iova.sync_buf
/*
 * A coalesced request is one IOVA range over discontiguous memory: sync each
 * of buffers [first, first + count) where it sits in the range. Otherwise
 * every segment is a mapping of its own, and all are synced.
 */
static void dmaplan_blk_sync(struct device *dev, struct dmaplan_tx *tx,
			     struct dmaplan_blk *m, unsigned int first,
			     unsigned int count, bool for_cpu)
{
	dma_addr_t addr = m->state.addr;
	unsigned int i;

	if (!m->coalesced) {
		for (i = m->s.seg; i < m->s.seg + m->s.nr_segs; i++)
			dmaplan_sync_single(dev, tx->seg[i].addr,
					    tx->seg[i].len, tx->dir, for_cpu);
		return;
	}
	for (i = m->s.first; i < m->s.first + m->s.count; i++) {
		if (i >= first && i < first + count)
			dmaplan_iova_sync_buf(dev, addr, tx->buf[i], tx->dir,
					      for_cpu);
		addr += tx->buf[i]->len;
	}
}
