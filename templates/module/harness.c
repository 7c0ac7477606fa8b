//@ The conformance harness (the harness target, test/kernel): instead of the
//@ logging hooks of hooks.c, device accesses drive QEMU's edu device through
//@ the plan's mappings, CPU accesses write and check byte patterns, and the
//@ driver reports what the kernel did, one "dmaplan: " line per fact (the
//@ line protocol is in src/codegen/targets/harness/README.md).
//@section types
/*
 * QEMU's edu device (PCI 1234:11e8): a DMA engine that moves bytes between
 * a DMA address and the device's 4 KiB buffer, which the engine addresses at
 * 0x40000. A transfer takes 100 ms of virtual time, and QEMU 7.2 refuses one
 * that reaches the buffer's last byte: the harness moves 2 KiB at a time.
 */
#define DMAPLAN_EDU_SRC 0x80
#define DMAPLAN_EDU_DST 0x88
#define DMAPLAN_EDU_CNT 0x90
#define DMAPLAN_EDU_CMD 0x98
#define DMAPLAN_EDU_START BIT(0)
#define DMAPLAN_EDU_TO_RAM BIT(1)
#define DMAPLAN_EDU_BUF 0x40000
#define DMAPLAN_CHUNK SZ_2K

/*
 * What the CPU expects in a buffer: the latest bytes written to it; and
 * whether the plan took it out of its mapping (dma_iova_unlink()).
 */
struct dmaplan_shadow {
	const struct dmaplan_buf *buf;
	u8 *bytes;
	bool unlinked;
};

/*
 * The engine: edu's registers, the plan's coherent buffer through which it
 * stages what the device reads and writes, a shadow per buffer, the HMM
 * mirrors (whose DMA view goes page by page), and what went wrong.
 */
struct dmaplan_engine {
	struct device *dev;
	void __iomem *regs;
	struct dmaplan_buf *scratch;
	struct dmaplan_shadow *shadow;
	unsigned int nr_shadows;
	const struct dmaplan_tx **paged;
	unsigned int nr_paged;
	u32 seed;
	unsigned int transfers;
	unsigned int errors;
	bool translating;
	bool stuck;
};
//@section core
/* A byte pattern that differs from write to write and from page to page. */
static u8 dmaplan_pattern(u32 seed, size_t at)
{
	u32 x = seed * 0x9e3779b1 ^ (u32)at * 0x85ebca6b;

	x ^= x >> 15;
	x *= 0x2c1b3c6d;
	x ^= x >> 12;
	return x;
}

static void dmaplan_fill(u8 *p, size_t len, u32 seed, size_t at)
{
	size_t i;

	for (i = 0; i < len; i++)
		p[i] = dmaplan_pattern(seed, at + i);
}

/* The shadow of a buffer; of none, a free one. */
static struct dmaplan_shadow *dmaplan_shadow_of(struct dmaplan_engine *e,
						const struct dmaplan_buf *b)
{
	unsigned int i;

	for (i = 0; i < e->nr_shadows; i++)
		if (e->shadow[i].buf == b)
			return &e->shadow[i];
	return NULL;
}

/* Coherent memory has no struct page of the plan: it comes with its map. */
static bool dmaplan_coherent(const struct dmaplan_buf *b)
{
	return !b->page && !b->peer;
}

/*
 * An HMM mirror maps page by page: its segments are its pages, in order,
 * each mapped on its own or not at all (length 0), and the plan's device
 * accesses address its DMA view page by page, each buffer at its offset in
 * its first page (mm/hmm.c hmm_dma_map_pfn()).
 */
static bool dmaplan_paged(struct dmaplan_engine *e, const struct dmaplan_tx *tx)
{
	unsigned int i;

	for (i = 0; i < e->nr_paged; i++)
		if (e->paged[i] == tx)
			return true;
	return false;
}

/* Pages of a buffer: an HMM mirror has one segment for each. */
static size_t dmaplan_buf_pages(const struct dmaplan_buf *b)
{
	return PFN_UP(b->phys + b->len) - PFN_DOWN(b->phys);
}

/*
 * Where buffer k starts in the transaction's DMA view: after the buffers
 * before it, or for an HMM mirror after their pages.
 */
static size_t dmaplan_buf_start(struct dmaplan_engine *e, struct dmaplan_tx *tx,
				unsigned int k)
{
	bool paged = dmaplan_paged(e, tx);
	size_t start = 0;
	unsigned int i;

	for (i = 0; i < k; i++)
		start += paged ? dmaplan_buf_pages(tx->buf[i]) * PAGE_SIZE :
				 tx->buf[i]->len;
	return start + (paged ? offset_in_page(tx->buf[k]->phys) : 0);
}

/*
 * The buffer that holds byte at of the transaction's DMA view, and in *end
 * where it ends (or, between buffers, where the next one starts).
 */
static struct dmaplan_buf *dmaplan_buf_at(struct dmaplan_engine *e,
					  struct dmaplan_tx *tx, size_t at,
					  size_t *end)
{
	size_t start;
	unsigned int k;

	*end = SIZE_MAX;
	for (k = 0; k < tx->nr_bufs; k++) {
		start = dmaplan_buf_start(e, tx, k);
		if (at < start) {
			*end = start;
			return NULL;
		}
		if (at < start + tx->buf[k]->len) {
			*end = start + tx->buf[k]->len;
			return tx->buf[k];
		}
	}
	return NULL;
}

/*
 * Whether edu cannot reach a buffer through its mapping. A buffer the
 * plan unlinked is gone from the device's view. A peer's BAR by PCI bus
 * address is reached below a common switch, which QEMU does not model: it
 * sends every DMA of edu through the IOMMU, where a bus address is not
 * mapped (a DMAR fault), so behind a translating IOMMU the engine leaves
 * such a buffer alone; without one, the bytes really move.
 */
static bool dmaplan_unreachable(struct dmaplan_engine *e,
				const struct dmaplan_buf *b)
{
	struct dmaplan_shadow *s = dmaplan_shadow_of(e, b);

	return (s && s->unlinked) ||
	       (b->mem == DMAPLAN_MEM_BUS && e->translating);
}

/*
 * Bytes [at, at + len) of the transaction's DMA view in the shadows of its
 * buffers: stored from data, or compared with data. Returns the number of
 * bytes that differ (or that no shadow holds).
 */
static size_t dmaplan_view(struct dmaplan_engine *e, struct dmaplan_tx *tx,
			   size_t at, u8 *data, size_t len, bool store)
{
	size_t held = 0, bad = 0, start, a, b, i;
	struct dmaplan_shadow *s;
	unsigned int k;

	for (k = 0; k < tx->nr_bufs; k++) {
		start = dmaplan_buf_start(e, tx, k);
		a = max(at, start);
		b = min(at + len, start + tx->buf[k]->len);
		if (a >= b)
			continue;
		held += b - a;
		s = dmaplan_shadow_of(e, tx->buf[k]);
		if (!s)
			bad += b - a;
		else if (store)
			memcpy(s->bytes + a - start, data + a - at, b - a);
		else
			for (i = a; i < b; i++)
				bad += s->bytes[i - start] != data[i - at];
	}
	return bad + len - held;
}

/*
 * One transfer of edu's engine: from addr into its buffer, or (to_ram) from
 * its buffer to addr. After a timeout the engine is not trusted again.
 */
static int dmaplan_edu_move(struct dmaplan_engine *e, dma_addr_t addr,
			    size_t len, bool to_ram)
{
	u32 cmd;
	int ret;

	if (e->stuck)
		return -EIO;
	writeq(to_ram ? DMAPLAN_EDU_BUF : addr, e->regs + DMAPLAN_EDU_SRC);
	writeq(to_ram ? addr : DMAPLAN_EDU_BUF, e->regs + DMAPLAN_EDU_DST);
	writeq(len, e->regs + DMAPLAN_EDU_CNT);
	writel(DMAPLAN_EDU_START | (to_ram ? DMAPLAN_EDU_TO_RAM : 0),
	       e->regs + DMAPLAN_EDU_CMD);
	ret = readl_poll_timeout(e->regs + DMAPLAN_EDU_CMD, cmd,
				 !(cmd & DMAPLAN_EDU_START), 5 * USEC_PER_MSEC,
				 2 * USEC_PER_SEC);
	e->transfers++;
	if (ret) {
		e->stuck = true;
		dev_err(e->dev, "dmaplan: edu's DMA engine did not finish\n");
	}
	/* What the device wrote is read after it said it was done. */
	dma_rmb();
	return ret;
}
//@section init needs harness.core
/* What the IOMMU does with the device's DMA, as the kernel decided at boot. */
static const char *dmaplan_domain(struct device *dev)
{
	struct iommu_domain *d = iommu_get_domain_for_dev(dev);

	if (!d)
		return "none";
	switch (d->type) {
	case IOMMU_DOMAIN_IDENTITY:
		return "identity";
	case IOMMU_DOMAIN_DMA:
		return "dma";
	case IOMMU_DOMAIN_DMA_FQ:
		return "dma-fq";
	default:
		return "other";
	}
}

static int dmaplan_engine_init(struct dmaplan_engine *e, struct pci_dev *pdev,
			       struct dmaplan_buf *scratch,
			       unsigned int nr_bufs, unsigned int nr_paged)
{
	e->dev = &pdev->dev;
	e->regs = pcim_iomap(pdev, 0, 0);
	if (!e->regs)
		return -ENOMEM;
	e->scratch = scratch;
	e->shadow =
		devm_kcalloc(e->dev, nr_bufs, sizeof(*e->shadow), GFP_KERNEL);
	e->paged =
		devm_kcalloc(e->dev, nr_paged, sizeof(*e->paged), GFP_KERNEL);
	if (!e->shadow || !e->paged)
		return -ENOMEM;
	e->nr_shadows = nr_bufs;
	e->translating = !strncmp(dmaplan_domain(e->dev), "dma", 3);
	dev_info(e->dev, "dmaplan: begin %s domain=%s\n",
		 dev_driver_string(e->dev), dmaplan_domain(e->dev));
	return 0;
}
//@section track needs harness.core
/* Where a buffer starts; a coherent one may be vmapped behind an IOMMU. */
static phys_addr_t dmaplan_phys(const struct dmaplan_buf *b)
{
	if (!dmaplan_coherent(b))
		return b->phys;
	if (is_vmalloc_addr(b->vaddr))
		return page_to_phys(vmalloc_to_page(b->vaddr)) +
		       offset_in_page(b->vaddr);
	return virt_to_phys(b->vaddr);
}

/*
 * Report a buffer and keep a shadow of it. Pages of RAM start with a
 * pattern of their own, so that a device that reads the wrong page shows;
 * coherent memory starts zeroed.
 */
static void dmaplan_engine_track(struct dmaplan_engine *e,
				 struct dmaplan_buf *b)
{
	struct dmaplan_shadow *s = dmaplan_shadow_of(e, NULL);
	phys_addr_t phys = dmaplan_phys(b);

	if (!dmaplan_coherent(b))
		dmaplan_fill(b->vaddr, b->len, ++e->seed, 0);
	dev_info(e->dev, "dmaplan: region %s phys=%pa len=%#zx\n", b->name,
		 &phys, b->len);
	if (s)
		s->bytes = devm_kmemdup(e->dev, b->vaddr, b->len, GFP_KERNEL);
	if (!s || !s->bytes) {
		e->errors++;
		return;
	}
	s->buf = b;
}
//@section move needs harness.core
/*
 * Whether the engine may move [at, at + len) of a segment that holds [a, b)
 * of the access: transfers take 100 ms, so of a part longer than 8 KiB it
 * moves only the chunks at its ends and those where a buffer starts, which
 * is where a wrong merge or a wrong address shows.
 */
static bool dmaplan_chunk_wanted(struct dmaplan_tx *tx, size_t a, size_t b,
				 size_t at, size_t len)
{
	size_t start = 0;
	unsigned int k;

	if (b - a <= 4 * DMAPLAN_CHUNK || at == a || at + len == b)
		return true;
	for (k = 0; k < tx->nr_bufs; k++) {
		if (start >= at && start < at + len)
			return true;
		start += tx->buf[k]->len;
	}
	return false;
}

/*
 * One chunk: n bytes at DMA address addr, which hold bytes [at, at + n) of
 * the transaction's DMA view, moved through edu's buffer from or to the
 * scratch buffer. Returns the bytes that did not check out.
 */
static size_t dmaplan_device_chunk(struct dmaplan_engine *e,
				   struct dmaplan_tx *tx, dma_addr_t addr,
				   size_t at, size_t n, bool write)
{
	struct dmaplan_buf *sb = e->scratch;
	size_t bad;

	if (write) {
		dmaplan_fill(sb->vaddr, n, ++e->seed, at);
		bad = dmaplan_view(e, tx, at, sb->vaddr, n, true);
		if (dmaplan_edu_move(e, sb->dma, n, false) ||
		    dmaplan_edu_move(e, addr, n, true))
			return n;
		return bad;
	}
	if (dmaplan_edu_move(e, addr, n, false) ||
	    dmaplan_edu_move(e, sb->dma, n, true))
		return n;
	return dmaplan_view(e, tx, at, sb->vaddr, n, false);
}

/*
 * The device reads (write: false) or writes len bytes at offset of the
 * transaction's DMA view, segment by segment, through edu's buffer; the
 * plan's coherent scratch buffer is the other end, so the CPU sees what the
 * device read and chooses what it writes. A read is checked against the
 * shadows; a write goes into them. Returns the bytes that did not check
 * out, and counts the chunks moved and the bytes some segment holds (an
 * HMM mirror's pages that are not mapped hold none).
 */
static size_t dmaplan_engine_move(struct dmaplan_engine *e,
				  struct dmaplan_tx *tx, size_t offset,
				  size_t len, bool write, unsigned int *chunks,
				  size_t *held, size_t *skipped)
{
	size_t start = 0, bad = 0, step, a, b, at, n, end;
	bool paged = dmaplan_paged(e, tx);
	struct dmaplan_buf *buf;
	dma_addr_t addr;
	unsigned int i;

	for (i = 0; i < tx->nr_segs; i++, start += step) {
		step = paged ? PAGE_SIZE : tx->seg[i].len;
		a = max(offset, start);
		b = min(offset + len, start + tx->seg[i].len);
		if (a < b)
			*held += b - a;
		for (at = a; at < b; at += n) {
			/* A chunk stays within one buffer. */
			buf = dmaplan_buf_at(e, tx, at, &end);
			n = min(min_t(size_t, DMAPLAN_CHUNK, b - at), end - at);
			if (buf && dmaplan_unreachable(e, buf)) {
				*skipped += n;
				continue;
			}
			if (!dmaplan_chunk_wanted(tx, a, b, at, n))
				continue;
			(*chunks)++;
			addr = tx->seg[i].addr + at - start;
			bad += dmaplan_device_chunk(e, tx, addr, at, n, write);
		}
	}
	return bad;
}

/*
 * Every entry of the hardware scatter-gather list, whatever the plan's steps
 * touch: the device reads the whole DMA view after the map, and writes it
 * before the unmap (and reads it back when it may do both), as far as the
 * mapping's direction allows; of an HMM mirror, the buffers' bytes in the
 * pages that are mapped. Not the scratch buffer's own transaction, and not
 * after the run (a kept transaction unmapped at unbind): the scratch buffer
 * is gone then. Each transfer of edu's engine takes 100 ms (its DMA timer,
 * QEMU's hw/misc/edu.c), so sweep=0 leaves them out where only the driver's
 * calls are compared (the dma-debug and fault injection suites).
 */
static bool sweep = true;
module_param(sweep, bool, 0444);
MODULE_PARM_DESC(
	sweep,
	"Sweep every mapping with edu's engine (0: only the plan's own device accesses)");

static void dmaplan_engine_sweep(struct dmaplan_engine *e,
				 struct dmaplan_tx *tx, bool write)
{
	size_t len = 0, held = 0, skipped = 0, bad = 0;
	unsigned int i, chunks = 0;

	if (!sweep)
		return;
	for (i = 0; i < tx->nr_bufs; i++) {
		if (tx->buf[i] == e->scratch)
			return;
		len += tx->buf[i]->len;
	}
	if (!e->scratch->vaddr ||
	    tx->dir == (write ? DMA_TO_DEVICE : DMA_FROM_DEVICE))
		return;
	if (!dmaplan_paged(e, tx))
		bad = dmaplan_engine_move(e, tx, 0, len, write, &chunks, &held,
					  &skipped);
	for (i = 0; i < tx->nr_bufs && dmaplan_paged(e, tx); i++)
		bad += dmaplan_engine_move(e, tx, dmaplan_buf_start(e, tx, i),
					   tx->buf[i]->len, write, &chunks,
					   &held, &skipped);
	if (bad)
		e->errors++;
	dev_info(e->dev,
		 "dmaplan: sweep %s %s chunks=%u skipped=%#zx bad=%zu\n",
		 write ? "write" : "read", tx->name, chunks, skipped, bad);
}
//@section device_access needs harness.move
/*
 * The engine never writes through a mapping the device may only read, nor
 * the other way round: behind an IOMMU that would be a DMAR fault.
 */
static bool dmaplan_device_may(struct dmaplan_engine *e, struct dmaplan_tx *tx,
			       bool write)
{
	if (e->scratch->vaddr &&
	    tx->dir != (write ? DMA_TO_DEVICE : DMA_FROM_DEVICE))
		return true;
	dev_err(e->dev, "dmaplan: device %s through %s refused\n",
		write ? "write" : "read", tx->name);
	e->errors++;
	return false;
}

static void dmaplan_device_access(struct dmaplan_engine *e,
				  struct dmaplan_tx *tx, size_t offset,
				  size_t len, bool write)
{
	size_t held = 0, skipped = 0, bad;
	unsigned int chunks = 0;

	if (!dmaplan_device_may(e, tx, write))
		return;
	bad = dmaplan_engine_move(e, tx, offset, len, write, &chunks, &held,
				  &skipped);
	/* A device page fault on an HMM mirror: the plan did not fault it in. */
	bad += len - held;
	if (bad)
		e->errors++;
	dev_info(
		e->dev,
		"dmaplan: device %s %s off=%#zx len=%#zx chunks=%u skipped=%#zx bad=%zu\n",
		write ? "write" : "read", tx->name, offset, len, chunks,
		skipped, bad);
}
//@section segs needs harness.core
/* The segments the device is given (an HMM mirror's unmapped pages: 0). */
static void dmaplan_engine_segs(struct dmaplan_engine *e, struct dmaplan_tx *tx)
{
	unsigned int i;

	for (i = 0; i < tx->nr_segs; i++)
		dev_info(e->dev, "dmaplan: seg %s %u dma=%pad len=%#zx\n",
			 tx->name, i, &tx->seg[i].addr, tx->seg[i].len);
}
//@section mapped needs harness.track harness.move harness.segs
/* Report a map: its result and the segments the device is given. */
static void dmaplan_engine_mapped(struct dmaplan_engine *e,
				  struct dmaplan_tx *tx, int ret)
{
	struct dmaplan_shadow *s;
	unsigned int i;

	dev_info(e->dev, "dmaplan: map %s ret=%d segs=%u\n", tx->name, ret,
		 tx->nr_segs);
	if (ret)
		return;
	dmaplan_engine_segs(e, tx);
	for (i = 0; i < tx->nr_bufs; i++) {
		if (dmaplan_coherent(tx->buf[i]))
			dmaplan_engine_track(e, tx->buf[i]);
		s = dmaplan_shadow_of(e, tx->buf[i]);
		if (s)
			s->unlinked = false;
	}
	dmaplan_engine_sweep(e, tx, false);
}
//@section pages needs harness.core
/* An HMM mirror: the engine goes through its DMA view page by page. */
static void dmaplan_engine_pages(struct dmaplan_engine *e,
				 const struct dmaplan_tx *tx)
{
	e->paged[e->nr_paged++] = tx;
}
//@section fault needs harness.move harness.segs
/*
 * Report an HMM page fault: its result and the mirror's segments, then the
 * device reads every page that is mapped.
 */
static void dmaplan_engine_fault(struct dmaplan_engine *e,
				 struct dmaplan_tx *tx, size_t idx, int ret)
{
	dev_info(e->dev, "dmaplan: fault %s %zu ret=%d segs=%u\n", tx->name,
		 idx, ret, tx->nr_segs);
	if (ret)
		return;
	dmaplan_engine_segs(e, tx);
	dmaplan_engine_sweep(e, tx, false);
}
//@section invalidated needs harness.segs
/* Report an HMM invalidation, with the mirror's segments after it. */
static void dmaplan_engine_invalidated(struct dmaplan_engine *e,
				       struct dmaplan_tx *tx, size_t idx)
{
	dev_info(e->dev, "dmaplan: invalidate %s %zu segs=%u\n", tx->name, idx,
		 tx->nr_segs);
	dmaplan_engine_segs(e, tx);
}
//@section unlinked needs harness.core
/*
 * Report a dma_iova_unlink() of buffer idx: from now on the device must not
 * reach it (after the unlink, a DMA to it is an IOMMU fault), so the engine
 * leaves it out of the sweeps; the CPU owns it again.
 */
static void dmaplan_engine_unlinked(struct dmaplan_engine *e,
				    struct dmaplan_tx *tx, unsigned int idx)
{
	struct dmaplan_shadow *s = dmaplan_shadow_of(e, tx->buf[idx]);

	if (s)
		s->unlinked = true;
	dev_info(e->dev, "dmaplan: unlink %s %s\n", tx->name,
		 tx->buf[idx]->name);
}
//@section unmapping needs harness.move
/* Report an unmap, after the last sweep; coherent memory is freed with it. */
static void dmaplan_engine_unmapping(struct dmaplan_engine *e,
				     struct dmaplan_tx *tx)
{
	struct dmaplan_shadow *s;
	unsigned int i;

	dmaplan_engine_sweep(e, tx, true);
	if (tx->dir == DMA_BIDIRECTIONAL)
		dmaplan_engine_sweep(e, tx, false);
	dev_info(e->dev, "dmaplan: unmap %s\n", tx->name);
	for (i = 0; i < tx->nr_bufs; i++) {
		s = dmaplan_shadow_of(e, tx->buf[i]);
		if (s && dmaplan_coherent(tx->buf[i])) {
			devm_kfree(e->dev, s->bytes);
			s->buf = NULL;
		}
	}
}
//@section status needs harness.core
/*
 * The end of the plan's run: everything is unmapped, so the CPU owns every
 * buffer and checks it whole, which is where what the device wrote through
 * a bounce buffer shows. (A transaction the plan keeps is still mapped.)
 */
static void dmaplan_engine_status(struct dmaplan_engine *e, int ret)
{
	const struct dmaplan_buf *b;
	size_t bad, i;
	unsigned int k;

	for (k = 0; k < e->nr_shadows; k++) {
		b = e->shadow[k].buf;
		if (!b)
			continue;
		for (bad = 0, i = 0; i < b->len; i++)
			bad += ((u8 *)b->vaddr)[i] != e->shadow[k].bytes[i];
		if (bad)
			e->errors++;
		dev_info(e->dev, "dmaplan: final %s bad=%zu\n", b->name, bad);
	}
	dev_info(e->dev, "dmaplan: status %s ret=%d errors=%u transfers=%u\n",
		 !ret && !e->errors ? "ok" : "fail", ret, e->errors,
		 e->transfers);
}
//@section cpu_access needs harness.core
/* The CPU writes a fresh pattern, or checks what it reads. */
static void dmaplan_cpu_access(struct dmaplan_engine *e, struct dmaplan_buf *b,
			       size_t offset, size_t len, bool write)
{
	struct dmaplan_shadow *s = dmaplan_shadow_of(e, b);
	u8 *p = b->vaddr + offset;
	size_t bad = 0, i;

	if (!s) {
		bad = len;
	} else if (write) {
		dmaplan_fill(p, len, ++e->seed, offset);
		memcpy(s->bytes + offset, p, len);
	} else {
		for (i = 0; i < len; i++)
			bad += p[i] != s->bytes[offset + i];
	}
	if (bad)
		e->errors++;
	dev_info(e->dev, "dmaplan: cpu %s %s off=%#zx len=%#zx bad=%zu\n",
		 write ? "write" : "read", b->name, offset, len, bad);
}
