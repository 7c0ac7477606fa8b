//@ Strategy iova: the two-step IOVA API with the per-buffer fallback of
//@ Documentation/core-api/dma-api.rst ("Part Ie").
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
static void dmaplan_iova_unmap(struct device *dev, struct dmaplan_tx *tx,
			       struct dmaplan_iova *m)
{
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
			return ret;
		/* Valid only after the last map: a bounce needs its unmap. */
		m->need_unmap = dma_need_unmap(dev);
		return 0;
	}

	dmaplan_slice_init(&m->s, tx, first, count, attrs);
	for (i = first; i < first + count; i++) {
		struct dmaplan_buf *b = tx->buf[i];

		ret = dma_iova_link(dev, &m->state, b->phys, m->mapped, b->len,
				    tx->dir, attrs);
		if (ret)
			goto err_destroy;
		m->mapped += b->len;
	}
	/* Linked buffers are invisible to the device until the IOTLB sync. */
	ret = dma_iova_sync(dev, &m->state, 0, m->mapped);
	if (ret)
		goto err_destroy;
	dmaplan_slice_add(&m->s, tx, m->state.addr, m->mapped, first);
	return 0;

err_destroy:
	/* Unlinks exactly what was linked, then frees the IOVA range. */
	dma_iova_destroy(dev, &m->state, m->mapped, tx->dir, attrs);
	return ret;
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
