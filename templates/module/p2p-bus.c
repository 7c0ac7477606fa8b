//@ Strategy p2p-bus: switch-local peer memory by PCI bus address. Flags:
//@ p2p_provider (pci_p2pdma_bus_addr_map() takes the provider, 6.19+).
//@section map needs common.slice_add
/*
 * Peer memory below a common PCI switch is reached by PCI bus address: the
 * request turns around in the switch and never reaches the IOMMU, so there
 * is no mapping to make, and nothing to unmap or sync.
 */
static int dmaplan_bus_map(struct device *dev, struct dmaplan_tx *tx,
			   struct dmaplan_slice *s, unsigned int first,
			   unsigned int count)
{
	struct pci_p2pdma_map_state p2p = {};
	unsigned int i;

	dmaplan_slice_init(s, tx, first, count, 0);
	for (i = first; i < first + count; i++) {
		struct dmaplan_buf *b = tx->buf[i];
		struct page *page = pfn_to_page(PHYS_PFN(b->phys));
		dma_addr_t addr;

		if (pci_p2pdma_state(&p2p, dev, page) !=
		    PCI_P2PDMA_MAP_BUS_ADDR) {
			dmaplan_slice_drop(s, tx);
			return -EREMOTEIO;
		}
//@if p2p_provider
		addr = pci_p2pdma_bus_addr_map(p2p.mem, b->phys);
//@else
		addr = pci_p2pdma_bus_addr_map(&p2p, b->phys);
//@endif
		dmaplan_slice_add(s, tx, addr, b->len, i);
	}
	return 0;
}
//@section unmap needs common.slice
static void dmaplan_bus_unmap(struct dmaplan_tx *tx, struct dmaplan_slice *s)
{
	dmaplan_slice_drop(s, tx);
}
