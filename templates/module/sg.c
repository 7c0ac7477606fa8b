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
//@section map needs common.slice_add
static int dmaplan_sg_map(struct device *dev, struct dmaplan_tx *tx,
			  struct dmaplan_sg *m, unsigned int first,
			  unsigned int count, unsigned long attrs)
{
	struct scatterlist *sg;
	unsigned int i;
	int ret;

	ret = sg_alloc_table(&m->sgt, count, GFP_KERNEL);
	if (ret)
		return ret;
	for_each_sgtable_sg(&m->sgt, sg, i) {
		struct dmaplan_buf *b = tx->buf[first + i];

		sg_set_page(sg, pfn_to_page(PHYS_PFN(b->phys)), b->len,
			    offset_in_page(b->phys));
	}
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
