//@ Strategy coherent: dma_alloc_coherent() for rings and descriptors.
//@section unmap needs common.slice
/*
 * Coherent memory is allocated already mapped, and the CPU and the device
 * see each other's writes without a sync: the memory for rings and
 * descriptors. On a confidential guest the kernel allocates it shared.
 */
static void dmaplan_coherent_free(struct device *dev, struct dmaplan_buf *b)
{
	dma_free_coherent(dev, PAGE_ALIGN(b->offset + b->len),
			  b->vaddr - b->offset, b->dma - b->offset);
	b->vaddr = NULL;
}

static void dmaplan_coherent_unmap(struct device *dev, struct dmaplan_tx *tx,
				   struct dmaplan_slice *s)
{
	unsigned int i;

	for (i = s->first; i < s->first + s->nr_segs; i++)
		dmaplan_coherent_free(dev, tx->buf[i]);
	dmaplan_slice_drop(s, tx);
}
//@section map needs coherent.unmap common.slice_add
static int dmaplan_coherent_map(struct device *dev, struct dmaplan_tx *tx,
				struct dmaplan_slice *s, unsigned int first,
				unsigned int count)
{
	unsigned int i;

	dmaplan_slice_init(s, tx, first, count, 0);
	for (i = first; i < first + count; i++) {
		struct dmaplan_buf *b = tx->buf[i];
		void *cpu;

		cpu = dma_alloc_coherent(dev, PAGE_ALIGN(b->offset + b->len),
					 &b->dma, GFP_KERNEL);
		if (!cpu)
			goto err_free;
		b->vaddr = cpu + b->offset;
		b->dma += b->offset;
		dmaplan_slice_add(s, tx, b->dma, b->len, i);
	}
	return 0;

err_free:
	/* The allocations made so far, last first. */
	while (i-- > first)
		dmaplan_coherent_free(dev, tx->buf[i]);
	dmaplan_slice_drop(s, tx);
	return -ENOMEM;
}
