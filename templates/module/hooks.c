//@ What the device and the CPU do between map and unmap. The module target
//@ only logs; a driver (or the harness target) does the real work here.
//@section device_access
/*
 * The device moves len bytes at offset of the transaction's DMA view: a
 * driver writes tx->seg[] into its descriptors here and starts the engine.
 */
static void dmaplan_device_access(struct device *dev, struct dmaplan_tx *tx,
				  size_t offset, size_t len, bool write)
{
	dev_dbg(dev, "%s: device %s %zu bytes at %#zx through %u segments\n",
		tx->name, write ? "writes" : "reads", len, offset, tx->nr_segs);
}
//@section cpu_access
/* The CPU reads or writes len bytes at offset of a buffer it owns. */
static void dmaplan_cpu_access(struct device *dev, struct dmaplan_buf *b,
			       size_t offset, size_t len, bool write)
{
	dev_dbg(dev, "CPU %s %zu bytes at %#zx of %s\n",
		write ? "writes" : "reads", len, offset, b->name);
}
