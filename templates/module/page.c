//@ Strategy page: every buffer mapped on its own, in pieces. Flags:
//@ map_phys (the target kernel has dma_map_phys() and DMA_ATTR_MMIO, 6.18+).
//@section pieces needs common.slice_add
/*
 * Each buffer gets DMA addresses of its own: its bus address without an
 * IOMMU (or a swiotlb slot when the device cannot reach it), an IOVA of its
 * own behind one. It is mapped in pieces of at most dma_max_mapping_size()
 * bytes, because a bounce buffer is at most one swiotlb segment.
 * Host-bridge P2P memory is MMIO: never bounced, never in a CPU cache.
 */
//@if map_phys
static unsigned long dmaplan_attrs(const struct dmaplan_buf *b,
				   unsigned long attrs)
{
	return b->mem == DMAPLAN_MEM_MMIO ? attrs | DMA_ATTR_MMIO : attrs;
}

//@endif
static int dmaplan_map_pieces(struct device *dev, struct dmaplan_tx *tx,
			      struct dmaplan_slice *s, unsigned int i,
			      size_t max)
{
	struct dmaplan_buf *b = tx->buf[i];
	size_t off, len;

	for (off = 0; off < b->len; off += len) {
		phys_addr_t phys = b->phys + off;
		dma_addr_t addr;

		len = min(b->len - off, max);
		if (tx->nr_segs == tx->max_segs)
			return -E2BIG;
//@if map_phys
		addr = dma_map_phys(dev, phys, len, tx->dir,
				    dmaplan_attrs(b, s->attrs));
//@else
		if (b->mem == DMAPLAN_MEM_MMIO)
			addr = dma_map_resource(dev, phys, len, tx->dir,
						s->attrs);
		else
			addr = dma_map_page_attrs(dev,
						  pfn_to_page(PHYS_PFN(phys)),
						  offset_in_page(phys), len,
						  tx->dir, s->attrs);
//@endif
		if (dma_mapping_error(dev, addr))
			return -ENOMEM;
		dmaplan_slice_add(s, tx, addr, len, i);
	}
	return 0;
}

/* Unmap a piece with the length, direction and attributes it was mapped with. */
static void dmaplan_unmap_piece(struct device *dev, struct dmaplan_tx *tx,
				struct dmaplan_slice *s,
				const struct dmaplan_seg *seg)
{
	struct dmaplan_buf *b = tx->buf[seg->buf];

//@if map_phys
	dma_unmap_phys(dev, seg->addr, seg->len, tx->dir,
		       dmaplan_attrs(b, s->attrs));
//@else
	if (b->mem == DMAPLAN_MEM_MMIO)
		dma_unmap_resource(dev, seg->addr, seg->len, tx->dir, s->attrs);
	else
		dma_unmap_page_attrs(dev, seg->addr, seg->len, tx->dir,
				     s->attrs);
//@endif
}
//@section unmap needs page.pieces
static void dmaplan_page_unmap(struct device *dev, struct dmaplan_tx *tx,
			       struct dmaplan_slice *s)
{
	unsigned int i;

	for (i = s->seg; i < s->seg + s->nr_segs; i++)
		dmaplan_unmap_piece(dev, tx, s, &tx->seg[i]);
	dmaplan_slice_drop(s, tx);
}
//@section map needs page.pieces
static int dmaplan_page_map(struct device *dev, struct dmaplan_tx *tx,
			    struct dmaplan_slice *s, unsigned int first,
			    unsigned int count, unsigned long attrs)
{
	size_t max = dma_max_mapping_size(dev);
	unsigned int i;
	int ret;

	dmaplan_slice_init(s, tx, first, count, attrs);
	for (i = first; i < first + count; i++) {
		ret = dmaplan_map_pieces(dev, tx, s, i, max);
		if (ret)
			goto err_unmap;
	}
	return 0;

err_unmap:
	/* The pieces mapped so far, last first. */
	while (s->nr_segs--)
		dmaplan_unmap_piece(dev, tx, s, &tx->seg[s->seg + s->nr_segs]);
	tx->nr_segs = s->seg;
	s->nr_segs = 0;
	return ret;
}
//@section sync needs common.sync_single
/* Hand the pieces of buffers [first, first + count) to the CPU or the device. */
static void dmaplan_page_sync(struct device *dev, struct dmaplan_tx *tx,
			      struct dmaplan_slice *s, unsigned int first,
			      unsigned int count, bool for_cpu)
{
	unsigned int i;

	for (i = s->seg; i < s->seg + s->nr_segs; i++) {
		struct dmaplan_seg *seg = &tx->seg[i];

		if (seg->buf >= first && seg->buf < first + count)
			dmaplan_sync_single(dev, seg->addr, seg->len, tx->dir,
					    for_cpu);
	}
}
