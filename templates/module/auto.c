//@ Strategy auto: the three-way dispatch of the two-step DMA API discussion.
//@ Flags: iova_api (the target kernel has dma_iova_*, 6.16+), p2p_bus (the
//@ transaction has switch-local peer memory).
//@section types
/*
 * The dispatch from the discussion that shaped the two-step DMA API, per
 * buffer: host memory is linked into one IOVA range for the whole
 * transaction when the kernel gives one (a translating IOMMU), P2P memory
 * below a common switch is reached by PCI bus address, and the rest (no
 * IOMMU, a confidential guest's private memory, P2P memory through the host
 * bridge) is mapped buffer by buffer. Only the kernel can tell a module a
 * page's P2P type, so the peers' buffers are one scatterlist whose entries
 * must come back bus addresses.
 */
struct dmaplan_auto {
	struct dmaplan_slice s;
//@if iova_api
	struct dma_iova_state state;
	size_t mapped;
//@endif
//@if p2p_bus
	struct sg_table bus;
	struct scatterlist *next_bus;
//@endif
	bool need_unmap;
};
//@section unmap needs page.pieces
//@if p2p_bus
static void dmaplan_auto_bus_unmap(struct device *dev, struct dmaplan_tx *tx,
				   struct dmaplan_auto *m)
{
	if (!m->bus.orig_nents)
		return;
	dma_unmap_sgtable(dev, &m->bus, tx->dir, 0);
	sg_free_table(&m->bus);
	m->bus.orig_nents = 0;
}

//@endif
/* Segments that a streaming map made, as opposed to IOVA and bus addresses. */
static bool dmaplan_auto_piece(struct dmaplan_auto *m,
			       const struct dmaplan_buf *b)
{
//@if iova_api
	if (b->mem == DMAPLAN_MEM_HOST)
		return !dma_use_iova(&m->state);
//@endif
	return b->mem != DMAPLAN_MEM_BUS;
}

static void dmaplan_auto_unmap(struct device *dev, struct dmaplan_tx *tx,
			       struct dmaplan_auto *m)
{
	unsigned int i;

//@if iova_api
	if (dma_use_iova(&m->state))
		dma_iova_destroy(dev, &m->state, m->mapped, tx->dir,
				 m->s.attrs);
//@endif
	for (i = m->s.seg; m->need_unmap && i < m->s.seg + m->s.nr_segs; i++)
		if (dmaplan_auto_piece(m, tx->buf[tx->seg[i].buf]))
			dmaplan_unmap_piece(dev, tx, &m->s, &tx->seg[i]);
//@if p2p_bus
	dmaplan_auto_bus_unmap(dev, tx, m);
//@endif
	dmaplan_slice_drop(&m->s, tx);
}
//@section bus needs auto.unmap sg.table
/*
 * The peers' buffers, in order, as one scatterlist that the kernel maps:
 * every entry must be a PCI bus address (an unreachable peer fails the map
 * with -EREMOTEIO; one through the host bridge is not a bus address). A
 * transaction without such buffers has no table (sg_alloc_table() refuses
 * zero entries with -EINVAL).
 */
static int dmaplan_auto_bus_map(struct device *dev, struct dmaplan_tx *tx,
				struct dmaplan_auto *m)
{
	struct scatterlist *sg;
	unsigned int i;
	int ret;

	for (i = 0; i < tx->nr_bufs; i++)
		if (tx->buf[i]->mem == DMAPLAN_MEM_BUS)
			break;
	if (i == tx->nr_bufs)
		return 0;
	ret = dmaplan_sg_table(dev, tx, &m->bus, 0, tx->nr_bufs,
			       BIT(DMAPLAN_MEM_BUS));
	if (ret)
		return ret;
	ret = dma_map_sgtable(dev, &m->bus, tx->dir, 0);
	if (ret) {
		sg_free_table(&m->bus);
		m->bus.orig_nents = 0;
		return ret;
	}
	for_each_sgtable_dma_sg(&m->bus, sg, i) {
		if (!sg_dma_is_bus_address(sg)) {
			dmaplan_auto_bus_unmap(dev, tx, m);
			return -EREMOTEIO;
		}
	}
	m->next_bus = m->bus.sgl;
	return 0;
}

/* A peer's buffer: its entries, the next ones of the table (never merged). */
static int dmaplan_auto_bus(struct device *dev, struct dmaplan_tx *tx,
			    struct dmaplan_auto *m, unsigned int i)
{
	unsigned int n = dmaplan_sg_entries(dev, tx->buf[i]);

	for (; n; n--, m->next_bus = sg_next(m->next_bus)) {
		if (tx->nr_segs == tx->max_segs)
			return -E2BIG;
		dmaplan_slice_add(&m->s, tx, sg_dma_address(m->next_bus),
				  sg_dma_len(m->next_bus), i);
	}
	return 0;
}
//@section map needs auto.unmap
//@if iova_api
/* Link every host buffer, in order, into one IOVA range if there is one. */
static int dmaplan_auto_iova(struct device *dev, struct dmaplan_tx *tx,
			     struct dmaplan_auto *m)
{
	phys_addr_t phys = 0;
	size_t size = 0;
	unsigned int i;
	int ret;

	for (i = 0; i < tx->nr_bufs; i++) {
		if (tx->buf[i]->mem != DMAPLAN_MEM_HOST)
			continue;
		if (!size)
			phys = tx->buf[i]->phys;
		size += tx->buf[i]->len;
	}
	if (!dma_iova_try_alloc(dev, &m->state, phys, size))
		return 0;
//@include iova.link host_only
	return 0;

err_destroy:
	dma_iova_destroy(dev, &m->state, m->mapped, tx->dir, m->s.attrs);
	return ret;
}

//@endif
/* A host or MMIO buffer's segments: in the IOVA range, or mapped in pieces. */
static int dmaplan_auto_buf(struct device *dev, struct dmaplan_tx *tx,
			    struct dmaplan_auto *m, unsigned int i, size_t max,
			    size_t *linked)
{
//@if iova_api
	struct dmaplan_buf *b = tx->buf[i];

	if (b->mem == DMAPLAN_MEM_HOST && dma_use_iova(&m->state)) {
		struct dmaplan_seg *last = &tx->seg[tx->nr_segs - 1];
		dma_addr_t addr = m->state.addr + *linked;

		*linked += b->len;
		/* Host buffers next to each other are one DMA range. */
		if (m->s.nr_segs &&
		    tx->buf[last->buf]->mem == DMAPLAN_MEM_HOST &&
		    last->addr + last->len == addr) {
			last->len += b->len;
			return 0;
		}
		if (tx->nr_segs == tx->max_segs)
			return -E2BIG;
		dmaplan_slice_add(&m->s, tx, addr, b->len, i);
		return 0;
	}
//@endif
	return dmaplan_map_pieces(dev, tx, &m->s, i, max);
}

static int dmaplan_auto_map(struct device *dev, struct dmaplan_tx *tx,
			    struct dmaplan_auto *m, bool iova,
			    unsigned long attrs)
{
	size_t linked = 0;
	unsigned int i;
	size_t max;
	int ret;

	dmaplan_slice_init(&m->s, tx, 0, tx->nr_bufs, attrs);
	m->need_unmap = true;
//@if iova_api
	memset(&m->state, 0, sizeof(m->state));
	m->mapped = 0;
	if (iova) {
		ret = dmaplan_auto_iova(dev, tx, m);
		if (ret)
			return ret;
	}
//@endif
//@if p2p_bus
	memset(&m->bus, 0, sizeof(m->bus));
	ret = dmaplan_auto_bus_map(dev, tx, m);
	if (ret)
		goto err_unmap;
//@endif
	max = dma_max_mapping_size(dev);
	for (i = 0; i < tx->nr_bufs; i++) {
//@if p2p_bus
		if (tx->buf[i]->mem == DMAPLAN_MEM_BUS)
			ret = dmaplan_auto_bus(dev, tx, m, i);
		else
			ret = dmaplan_auto_buf(dev, tx, m, i, max, &linked);
//@else
		ret = dmaplan_auto_buf(dev, tx, m, i, max, &linked);
//@endif
		if (ret)
			goto err_unmap;
	}
//@if iova_api
	/* Valid only after the last map: a bounce needs its unmap. */
	for (i = m->s.seg; i < m->s.seg + m->s.nr_segs; i++)
		if (dmaplan_auto_piece(m, tx->buf[tx->seg[i].buf]))
			break;
	if (i < m->s.seg + m->s.nr_segs)
		m->need_unmap = dma_need_unmap(dev);
//@endif
	return 0;

err_unmap:
	/* The pieces mapped so far, last first, then the IOVA range. */
	while (m->s.nr_segs--) {
		struct dmaplan_seg *seg = &tx->seg[m->s.seg + m->s.nr_segs];

		if (dmaplan_auto_piece(m, tx->buf[seg->buf]))
			dmaplan_unmap_piece(dev, tx, &m->s, seg);
	}
	tx->nr_segs = m->s.seg;
	m->s.nr_segs = 0;
//@if p2p_bus
	dmaplan_auto_bus_unmap(dev, tx, m);
//@endif
//@if iova_api
	if (dma_use_iova(&m->state))
		dma_iova_destroy(dev, &m->state, m->mapped, tx->dir, attrs);
//@endif
	return ret;
}
//@section sync needs common.sync_single auto.unmap
/*
 * Host memory in the IOVA range is synced where it sits; streaming maps
 * piece by piece; bus addresses and MMIO never need a sync.
 */
static void dmaplan_auto_sync(struct device *dev, struct dmaplan_tx *tx,
			      struct dmaplan_auto *m, unsigned int first,
			      unsigned int count, bool for_cpu)
{
	unsigned int i;

//@if iova_api
	if (dma_use_iova(&m->state)) {
		dma_addr_t addr = m->state.addr;

		for (i = 0; i < tx->nr_bufs; i++) {
			if (tx->buf[i]->mem != DMAPLAN_MEM_HOST)
				continue;
			if (i >= first && i < first + count)
				dmaplan_iova_sync_buf(dev, addr, tx->buf[i],
						      tx->dir, for_cpu);
			addr += tx->buf[i]->len;
		}
	}
//@endif
	for (i = m->s.seg; i < m->s.seg + m->s.nr_segs; i++) {
		struct dmaplan_seg *seg = &tx->seg[i];
		struct dmaplan_buf *b = tx->buf[seg->buf];

		if (seg->buf >= first && seg->buf < first + count &&
		    (b->mem == DMAPLAN_MEM_PRIVATE ||
		     (b->mem == DMAPLAN_MEM_HOST && dmaplan_auto_piece(m, b))))
			dmaplan_sync_single(dev, seg->addr, seg->len, tx->dir,
					    for_cpu);
	}
}
