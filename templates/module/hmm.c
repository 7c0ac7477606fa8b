//@ Strategy hmm: hmm_dma_map_alloc() and one hmm_dma_map_pfn() per page.
//@section types
/*
 * HMM mirrors pages, and maps each one on its own: into an IOVA range
 * allocated up front when there is an IOMMU, or by PCI bus address for a
 * switch-local peer's page, so one transaction can mix host and peer pages.
 * hmm_dma_map_alloc() refuses devices that would need bouncing or cache
 * maintenance, so ownership changes need no sync.
 */
struct dmaplan_hmm {
	struct dmaplan_slice s;
	struct hmm_dma_map map;
	struct pci_p2pdma_map_state p2p;
	size_t nr_pages;
};
//@section unmap needs common.slice
static void dmaplan_hmm_unmap(struct device *dev, struct dmaplan_tx *tx,
			      struct dmaplan_hmm *m)
{
	size_t idx;

	/* hmm_dma_unmap_pfn() skips the pages that are not mapped. */
	for (idx = 0; idx < m->nr_pages; idx++)
		hmm_dma_unmap_pfn(dev, &m->map, idx);
	hmm_dma_map_free(dev, &m->map);
	dmaplan_slice_drop(&m->s, tx);
}
//@section fault needs common.slice
/* Map page idx of the mirror, as a device page fault would. */
static int dmaplan_hmm_fault(struct device *dev, struct dmaplan_tx *tx,
			     struct dmaplan_hmm *m, size_t idx)
{
	struct dmaplan_seg *seg = &tx->seg[m->s.seg + idx];
	dma_addr_t addr;

	addr = hmm_dma_map_pfn(dev, &m->map, idx, &m->p2p);
	if (dma_mapping_error(dev, addr))
		return -EFAULT;
	seg->addr = addr;
	seg->len = PAGE_SIZE;
	return 0;
}
//@section map needs hmm.unmap hmm.fault
static int dmaplan_hmm_map(struct device *dev, struct dmaplan_tx *tx,
			   struct dmaplan_hmm *m, unsigned int first,
			   unsigned int count, bool populate)
{
	unsigned long *pfn;
	unsigned int i;
	size_t idx;
	int ret;

	m->nr_pages = 0;
	for (i = first; i < first + count; i++)
		m->nr_pages += PFN_UP(tx->buf[i]->phys + tx->buf[i]->len) -
			       PFN_DOWN(tx->buf[i]->phys);

	ret = hmm_dma_map_alloc(dev, &m->map, m->nr_pages, PAGE_SIZE);
	if (ret)
		return ret;
	memset(&m->p2p, 0, sizeof(m->p2p));

	/* A mirror of user memory gets these from hmm_range_fault(). */
	pfn = m->map.pfn_list;
	for (i = first; i < first + count; i++) {
		unsigned long n = PFN_DOWN(tx->buf[i]->phys);
		unsigned long end = PFN_UP(tx->buf[i]->phys + tx->buf[i]->len);

		for (; n < end; n++)
			*pfn++ = n | HMM_PFN_VALID | HMM_PFN_WRITE;
	}

	/* One segment per page; a page that is not mapped is all zero. */
	dmaplan_slice_init(&m->s, tx, first, count, 0);
	memset(&tx->seg[m->s.seg], 0, m->nr_pages * sizeof(*tx->seg));
	m->s.nr_segs = m->nr_pages;
	tx->nr_segs += m->nr_pages;
	if (!populate)
		return 0;

	for (idx = 0; idx < m->nr_pages; idx++) {
		ret = dmaplan_hmm_fault(dev, tx, m, idx);
		if (ret)
			goto err_unmap;
	}
	return 0;

err_unmap:
	/* The pages mapped so far, last first. */
	while (idx--)
		hmm_dma_unmap_pfn(dev, &m->map, idx);
	hmm_dma_map_free(dev, &m->map);
	dmaplan_slice_drop(&m->s, tx);
	return ret;
}
//@section invalidate needs common.slice
/*
 * Unmap page idx, as an mmu notifier invalidation would: its segment is
 * gone, as before the page was first mapped.
 */
static void dmaplan_hmm_invalidate(struct device *dev, struct dmaplan_tx *tx,
				   struct dmaplan_hmm *m, size_t idx)
{
	hmm_dma_unmap_pfn(dev, &m->map, idx);
	memset(&tx->seg[m->s.seg + idx], 0, sizeof(*tx->seg));
}
