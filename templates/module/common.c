//@ Shared pieces of every generated driver: the transaction model and the
//@ plan's memory. Lines starting with //@ are template directives (see
//@ src/codegen/template/parse.ts); a section is emitted only when used.
//@section types
/* What a buffer is for the device, from the plan's PCI topology. */
enum dmaplan_mem {
	DMAPLAN_MEM_HOST, /* system RAM */
	DMAPLAN_MEM_PRIVATE, /* a confidential guest's private RAM: it bounces */
	DMAPLAN_MEM_BUS, /* a peer's BAR below a common switch: bus address */
	DMAPLAN_MEM_MMIO, /* a peer's BAR through the host bridge: MMIO */
};

/* Memory that the plan maps: pages of RAM, or a peer's P2P memory. */
struct dmaplan_buf {
	const char *name;
	enum dmaplan_mem mem;
	void *vaddr;
	phys_addr_t phys;
	size_t len;
	size_t offset;
	struct page *page;
	unsigned int order;
	struct pci_dev *peer;
	dma_addr_t dma;
};

/*
 * One entry of the scatter-gather list that the device is programmed with,
 * and the buffer it starts in.
 */
struct dmaplan_seg {
	dma_addr_t addr;
	size_t len;
	unsigned int buf;
};

/*
 * A transaction: the buffers it maps, the segments the device is given (at
 * most max_segs), and the direction every unmap and sync must repeat.
 */
struct dmaplan_tx {
	const char *name;
	struct dmaplan_buf **buf;
	unsigned int nr_bufs;
	struct dmaplan_seg *seg;
	unsigned int nr_segs;
	unsigned int max_segs;
	enum dma_data_direction dir;
};

/*
 * Buffers [first, first + count) of a transaction, mapped one way with the
 * same attributes; their segments are seg[seg, seg + nr_segs) of the
 * transaction.
 */
struct dmaplan_slice {
	unsigned int first;
	unsigned int count;
	unsigned int seg;
	unsigned int nr_segs;
	unsigned long attrs;
};
//@section tx_init
static void dmaplan_tx_init(struct dmaplan_tx *tx, const char *name,
			    struct dmaplan_buf **buf, unsigned int nr_bufs,
			    struct dmaplan_seg *seg, unsigned int max_segs,
			    enum dma_data_direction dir)
{
	tx->name = name;
	tx->buf = buf;
	tx->nr_bufs = nr_bufs;
	tx->seg = seg;
	tx->nr_segs = 0;
	tx->max_segs = max_segs;
	tx->dir = dir;
}
//@section slice
static void dmaplan_slice_init(struct dmaplan_slice *s, struct dmaplan_tx *tx,
			       unsigned int first, unsigned int count,
			       unsigned long attrs)
{
	s->first = first;
	s->count = count;
	s->seg = tx->nr_segs;
	s->nr_segs = 0;
	s->attrs = attrs;
}

/* Forget the slice's segments once they are unmapped. */
static void dmaplan_slice_drop(struct dmaplan_slice *s, struct dmaplan_tx *tx)
{
	tx->nr_segs = s->seg;
	s->nr_segs = 0;
}
//@section slice_add needs common.slice
/* Append a segment to the transaction's list, on behalf of the slice. */
static void dmaplan_slice_add(struct dmaplan_slice *s, struct dmaplan_tx *tx,
			      dma_addr_t addr, size_t len, unsigned int buf)
{
	struct dmaplan_seg *seg = &tx->seg[tx->nr_segs++];

	seg->addr = addr;
	seg->len = len;
	seg->buf = buf;
	s->nr_segs++;
}
//@section sync_single
/* Hand a streaming mapping to the CPU, or back to the device. */
static void dmaplan_sync_single(struct device *dev, dma_addr_t addr, size_t len,
				enum dma_data_direction dir, bool for_cpu)
{
	if (for_cpu)
		dma_sync_single_for_cpu(dev, addr, len, dir);
	else
		dma_sync_single_for_device(dev, addr, len, dir);
}
//@section ram
static int dmaplan_ram_alloc(struct dmaplan_buf *b, const char *name,
			     enum dmaplan_mem mem, size_t offset, size_t len)
{
	b->name = name;
	b->mem = mem;
	b->order = get_order(offset + len);
	b->page = alloc_pages(GFP_KERNEL | __GFP_ZERO, b->order);
	if (!b->page)
		return -ENOMEM;
	b->offset = offset;
	b->vaddr = page_address(b->page) + offset;
	b->phys = page_to_phys(b->page) + offset;
	b->len = len;
	return 0;
}

static void dmaplan_ram_free(struct dmaplan_buf *b)
{
	__free_pages(b->page, b->order);
}
//@section shared needs common.ram
/*
 * A confidential guest's memory is private: the device reaches it only
 * through swiotlb bounce buffers. Pages shared with the host are reached
 * directly.
 */
static int dmaplan_shared_alloc(struct dmaplan_buf *b, const char *name,
				size_t offset, size_t len)
{
	int ret;

	ret = dmaplan_ram_alloc(b, name, DMAPLAN_MEM_HOST, offset, len);
	if (ret)
		return ret;
	/* On failure the pages are in an unknown state: leak them. */
	return set_memory_decrypted((unsigned long)page_address(b->page),
				    1 << b->order);
}

static void dmaplan_shared_free(struct dmaplan_buf *b)
{
	/* Pages the host may still see must never be reused: leak them. */
	if (set_memory_encrypted((unsigned long)page_address(b->page),
				 1 << b->order))
		return;
	dmaplan_ram_free(b);
}
//@section peer
/* A device that provides P2P memory, named by its PCI address. */
static struct pci_dev *dmaplan_get_peer(struct device *dev, const char *param,
					const char *addr)
{
	struct device *peer;

	if (!addr) {
		dev_err(dev, "%s= must name a PCI device (DDDD:BB:DD.F)\n",
			param);
		return ERR_PTR(-EINVAL);
	}
	peer = bus_find_device_by_name(&pci_bus_type, NULL, addr);
	if (!peer) {
		dev_err(dev, "%s=%s: no such PCI device\n", param, addr);
		return ERR_PTR(-ENODEV);
	}
	return to_pci_dev(peer);
}
//@section p2p
static int dmaplan_p2p_alloc(struct dmaplan_buf *b, const char *name,
			     enum dmaplan_mem mem, struct pci_dev *peer,
			     size_t offset, size_t len)
{
	void *vaddr;

	b->name = name;
	b->mem = mem;
	vaddr = pci_alloc_p2pmem(peer, offset + len);
	if (!vaddr)
		return -ENOMEM;
	b->peer = peer;
	b->offset = offset;
	b->vaddr = vaddr + offset;
	b->phys = virt_to_phys(b->vaddr);
	b->len = len;
	return 0;
}

static void dmaplan_p2p_free(struct dmaplan_buf *b)
{
	pci_free_p2pmem(b->peer, b->vaddr - b->offset, b->offset + b->len);
}
//@section coherent_buf
/*
 * dma_alloc_coherent() allocates this buffer when its transaction maps;
 * the buffer sits at its offset in the first page of the allocation.
 */
static void dmaplan_coherent_buf(struct dmaplan_buf *b, const char *name,
				 size_t offset, size_t len)
{
	b->name = name;
	b->mem = DMAPLAN_MEM_HOST;
	b->offset = offset;
	b->len = len;
}
