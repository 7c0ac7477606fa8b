//@ Strategy sg: an sg_table mapped with dma_map_sgtable().
//@section types
/*
 * A scatterlist mapped in one call. Behind an IOMMU the kernel links it into
 * one IOVA range and merges entries that meet on a granule boundary, so the
 * device is given the DMA view, which may have fewer segments than buffers.
 */
struct dmaplan_sg {
	struct dmaplan_slice s;
	struct sg_table sgt;
};
//@section table
/*
 * A buffer becomes entries of at most the device's maximum segment size: in
 * whole pages, the first ending on a page boundary, as
 * sg_alloc_table_from_pages_segment() cuts them; below a page, which that
 * helper refuses, in pieces of at most the maximum that cross no page
 * boundary. No entry is longer than the device takes (dma-debug checks each:
 * "mapping sg segment longer than device claims to support").
 */
static size_t dmaplan_sg_max(struct device *dev)
{
	size_t max = dma_get_max_seg_size(dev);

	return max < PAGE_SIZE ? max : ALIGN_DOWN(max, PAGE_SIZE);
}

/* The length of the entry that starts at @phys, with @left bytes to go. */
static size_t dmaplan_sg_len(phys_addr_t phys, size_t left, size_t max)
{
	if (max < PAGE_SIZE)
		return min3(left, max, PAGE_SIZE - offset_in_page(phys));
	return min(left, max - offset_in_page(phys));
}

static unsigned int dmaplan_sg_entries(struct device *dev,
				       const struct dmaplan_buf *b)
{
	size_t max = dmaplan_sg_max(dev), off, len;
	unsigned int n = 0;

	for (off = 0; off < b->len; off += len, n++)
		len = dmaplan_sg_len(b->phys + off, b->len - off, max);
	return n;
}

/* The buffers of [first, first + count) whose memory is in @mems, in order. */
static int dmaplan_sg_table(struct device *dev, struct dmaplan_tx *tx,
			    struct sg_table *sgt, unsigned int first,
			    unsigned int count, unsigned int mems)
{
	size_t max = dmaplan_sg_max(dev), off, len;
	struct scatterlist *sg;
	unsigned int i, nents = 0;
	int ret;

	for (i = first; i < first + count; i++)
		if (mems & BIT(tx->buf[i]->mem))
			nents += dmaplan_sg_entries(dev, tx->buf[i]);
	ret = sg_alloc_table(sgt, nents, GFP_KERNEL);
	if (ret)
		return ret;
	sg = sgt->sgl;
	for (i = first; i < first + count; i++) {
		struct dmaplan_buf *b = tx->buf[i];

		if (!(mems & BIT(b->mem)))
			continue;
		for (off = 0; off < b->len; off += len, sg = sg_next(sg)) {
			phys_addr_t phys = b->phys + off;

			len = dmaplan_sg_len(phys, b->len - off, max);
			sg_set_page(sg, pfn_to_page(PHYS_PFN(phys)), len,
				    offset_in_page(phys));
		}
	}
	return 0;
}
//@section map needs common.slice_add sg.table
static int dmaplan_sg_map(struct device *dev, struct dmaplan_tx *tx,
			  struct dmaplan_sg *m, unsigned int first,
			  unsigned int count, unsigned long attrs)
{
	struct scatterlist *sg;
	unsigned int i;
	int ret;

	ret = dmaplan_sg_table(dev, tx, &m->sgt, first, count, ~0U);
	if (ret)
		return ret;
	ret = dma_map_sgtable(dev, &m->sgt, tx->dir, attrs);
	if (ret) {
		sg_free_table(&m->sgt);
		return ret;
	}
	dmaplan_slice_init(&m->s, tx, first, count, attrs);
	for_each_sgtable_dma_sg(&m->sgt, sg, i)
		dmaplan_slice_add(&m->s, tx, sg_dma_address(sg), sg_dma_len(sg),
				  first);
	return 0;
}
//@section unmap needs common.slice
static void dmaplan_sg_unmap(struct device *dev, struct dmaplan_tx *tx,
			     struct dmaplan_sg *m)
{
	dma_unmap_sgtable(dev, &m->sgt, tx->dir, m->s.attrs);
	sg_free_table(&m->sgt);
	dmaplan_slice_drop(&m->s, tx);
}
//@section sync needs common.slice
/* A scatterlist is synced whole, with the entry count it was mapped with. */
static void dmaplan_sg_sync(struct device *dev, struct dmaplan_tx *tx,
			    struct dmaplan_sg *m, bool for_cpu)
{
	if (for_cpu)
		dma_sync_sgtable_for_cpu(dev, &m->sgt, tx->dir);
	else
		dma_sync_sgtable_for_device(dev, &m->sgt, tx->dir);
}
