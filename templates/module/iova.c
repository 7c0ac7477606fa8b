//@ Strategy iova: the two-step IOVA API with the per-buffer fallback of
//@ Documentation/core-api/dma-api.rst ("Part Ie"). Flag: iova_unlink (the
//@ plan takes buffers out of a mapped range with dma_iova_unlink()).
//@section types
/*
 * One IOVA range for the whole slice: behind a translating IOMMU the
 * buffers are linked one after another into a single contiguous DMA range,
 * made visible to the device by one IOTLB sync.
 */
struct dmaplan_iova {
	struct dmaplan_slice s;
	struct dma_iova_state state;
	size_t mapped;
	bool need_unmap;
//@if iova_unlink
	/* Buffers of the slice taken out of the range, by index in the slice. */
	unsigned long *unlinked;
//@endif
};
//@section sync_buf needs common.sync_single
/*
 * The IOVA API has no sync call of its own, and dma_sync_single_*() on an
 * IOVA finds the physical address of its first granule only. A buffer is
 * therefore synced in pieces that cross no granule boundary where a bounce
 * buffer may stand in: its unaligned head granule, its aligned middle and
 * its unaligned tail granule.
 */
static void dmaplan_iova_sync_buf(struct device *dev, dma_addr_t addr,
				  const struct dmaplan_buf *b,
				  enum dma_data_direction dir, bool for_cpu)
{
	unsigned long mask = dma_get_merge_boundary(dev);
	size_t head = b->phys & mask ? mask + 1 - (b->phys & mask) : 0;
	size_t tail = (b->phys + b->len) & mask;
	size_t end;

	head = min(head, b->len);
	end = head < b->len && tail ? b->len - tail : b->len;
	if (head)
		dmaplan_sync_single(dev, addr, head, dir, for_cpu);
	if (end > head)
		dmaplan_sync_single(dev, addr + head, end - head, dir, for_cpu);
	if (end < b->len)
		dmaplan_sync_single(dev, addr + end, b->len - end, dir,
				    for_cpu);
}
//@section unmap needs page.unmap
//@if iova_unlink
/*
 * After dma_iova_unlink() of some buffers, dma_iova_destroy() may not be
 * used: it needs [0, mapped_len) all linked (drivers/iommu/dma-iommu.c).
 * Each run of buffers still linked is unlinked, then the IOVA space freed;
 * without an IOVA range, the buffers still mapped are unmapped.
 */
static void dmaplan_iova_unmap_rest(struct device *dev, struct dmaplan_tx *tx,
				    struct dmaplan_iova *m)
{
	unsigned int i, k, end;
	size_t off = 0, len;

	if (!dma_use_iova(&m->state)) {
		for (i = m->s.seg; m->need_unmap && i < m->s.seg + m->s.nr_segs;
		     i++)
			if (!test_bit(tx->seg[i].buf - m->s.first, m->unlinked))
				dmaplan_unmap_piece(dev, tx, &m->s,
						    &tx->seg[i]);
		return;
	}
	for (k = 0; k < m->s.count; k = end + 1) {
		len = 0;
		for (end = k; end < m->s.count && !test_bit(end, m->unlinked);
		     end++)
			len += tx->buf[m->s.first + end]->len;
		if (len)
			dma_iova_unlink(dev, &m->state, off, len, tx->dir,
					m->s.attrs);
		off += len;
		/* Past the unlinked buffer that ends the run. */
		if (end < m->s.count)
			off += tx->buf[m->s.first + end]->len;
	}
	dma_iova_free(dev, &m->state);
}

//@endif
static void dmaplan_iova_unmap(struct device *dev, struct dmaplan_tx *tx,
			       struct dmaplan_iova *m)
{
//@if iova_unlink
	if (!bitmap_empty(m->unlinked, m->s.count)) {
		dmaplan_iova_unmap_rest(dev, tx, m);
		bitmap_free(m->unlinked);
		dmaplan_slice_drop(&m->s, tx);
		return;
	}
	bitmap_free(m->unlinked);
//@endif
	if (dma_use_iova(&m->state)) {
		dma_iova_destroy(dev, &m->state, m->mapped, tx->dir,
				 m->s.attrs);
		dmaplan_slice_drop(&m->s, tx);
	} else if (m->need_unmap) {
		dmaplan_page_unmap(dev, tx, &m->s);
	} else {
		dmaplan_slice_drop(&m->s, tx);
	}
}
//@fragment link
//@ The buffers linked one after another into the IOVA range, then the one
//@ IOTLB sync; a failure goes to err_destroy. Flag host_only: auto's loop,
//@ over the transaction's host buffers with the slice's attributes, instead
//@ of over the slice's buffers.
//@if host_only
	for (i = 0; i < tx->nr_bufs; i++) {
//@else
	for (i = first; i < first + count; i++) {
//@endif
		struct dmaplan_buf *b = tx->buf[i];

//@if host_only
		if (b->mem != DMAPLAN_MEM_HOST)
			continue;
//@endif
		ret = dma_iova_link(dev, &m->state, b->phys, m->mapped, b->len,
//@if host_only
				    tx->dir, m->s.attrs);
//@else
				    tx->dir, attrs);
//@endif
		if (ret)
			goto err_destroy;
		m->mapped += b->len;
	}
	/* Linked buffers are invisible to the device until the IOTLB sync. */
	ret = dma_iova_sync(dev, &m->state, 0, m->mapped);
	if (ret)
		goto err_destroy;
//@section map needs page.map
static int dmaplan_iova_map(struct device *dev, struct dmaplan_tx *tx,
			    struct dmaplan_iova *m, unsigned int first,
			    unsigned int count, unsigned long attrs)
{
	size_t size = 0;
	unsigned int i;
	int ret;

	for (i = first; i < first + count; i++)
		size += tx->buf[i]->len;
//@if iova_unlink
	m->unlinked = bitmap_zalloc(count, GFP_KERNEL);
	if (!m->unlinked)
		return -ENOMEM;
//@endif

	/*
	 * There is no IOVA when the device is not behind a translating IOMMU
	 * (no IOMMU, or passthrough) or the IOVA space is exhausted: then each
	 * buffer is mapped on its own. The first buffer's offset within the
	 * IOMMU granule becomes the offset of the IOVA range.
	 */
	m->mapped = 0;
	if (!dma_iova_try_alloc(dev, &m->state, tx->buf[first]->phys, size)) {
		ret = dmaplan_page_map(dev, tx, &m->s, first, count, attrs);
		if (ret)
//@if iova_unlink
			goto err_free;
//@else
			return ret;
//@endif
		/* Valid only after the last map: a bounce needs its unmap. */
		m->need_unmap = dma_need_unmap(dev);
		return 0;
	}

	dmaplan_slice_init(&m->s, tx, first, count, attrs);
//@include iova.link !host_only
	dmaplan_slice_add(&m->s, tx, m->state.addr, m->mapped, first);
	return 0;

err_destroy:
	/* Unlinks exactly what was linked, then frees the IOVA range. */
	dma_iova_destroy(dev, &m->state, m->mapped, tx->dir, attrs);
//@if iova_unlink
err_free:
	bitmap_free(m->unlinked);
//@endif
	return ret;
}
//@section unlink needs iova.unmap
/*
 * dma_iova_unlink() of buffer i: the device loses it and the CPU owns it
 * again (the unlink syncs what needs it), the rest of the range stays
 * linked. Without an IOVA range the buffer's own mappings are unmapped.
 */
static void dmaplan_iova_unlink(struct device *dev, struct dmaplan_tx *tx,
				struct dmaplan_iova *m, unsigned int i)
{
	size_t off = 0;
	unsigned int k;

	if (dma_use_iova(&m->state)) {
		for (k = m->s.first; k < i; k++)
			off += tx->buf[k]->len;
		dma_iova_unlink(dev, &m->state, off, tx->buf[i]->len, tx->dir,
				m->s.attrs);
	} else {
		for (k = m->s.seg; m->need_unmap && k < m->s.seg + m->s.nr_segs;
		     k++)
			if (tx->seg[k].buf == i)
				dmaplan_unmap_piece(dev, tx, &m->s,
						    &tx->seg[k]);
	}
	set_bit(i - m->s.first, m->unlinked);
}
//@section sync needs iova.sync_buf page.sync
/* Sync buffers [first, first + count) where they sit in the IOVA range. */
static void dmaplan_iova_sync(struct device *dev, struct dmaplan_tx *tx,
			      struct dmaplan_iova *m, unsigned int first,
			      unsigned int count, bool for_cpu)
{
	dma_addr_t addr = m->state.addr;
	unsigned int i;

	if (!dma_use_iova(&m->state)) {
		dmaplan_page_sync(dev, tx, &m->s, first, count, for_cpu);
		return;
	}
	for (i = m->s.first; i < m->s.first + m->s.count; i++) {
		if (i >= first && i < first + count)
			dmaplan_iova_sync_buf(dev, addr, tx->buf[i], tx->dir,
					      for_cpu);
		addr += tx->buf[i]->len;
	}
}
