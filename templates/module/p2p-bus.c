//@ Strategy p2p-bus: switch-local peer memory by PCI bus address. Only the
//@ kernel can tell a module a page's P2P type (pci_p2pdma_state() needs
//@ __pci_p2pdma_update_state(), which is not exported): the buffers are
//@ mapped as a scatterlist and every entry must come back a bus address.
//@section map needs sg.map sg.unmap sg.types
/*
 * Peer memory below a common PCI switch is reached by PCI bus address: the
 * request turns around in the switch and never reaches the IOMMU. The
 * scatterlist helpers decide it inside the kernel; an entry that is not a
 * bus address (the peer is reached through the host bridge) is refused.
 */
static int dmaplan_bus_map(struct device *dev, struct dmaplan_tx *tx,
			   struct dmaplan_sg *m, unsigned int first,
			   unsigned int count)
{
	struct scatterlist *sg;
	unsigned int i;
	int ret;

	ret = dmaplan_sg_map(dev, tx, m, first, count, 0);
	if (ret)
		return ret;
	for_each_sgtable_dma_sg(&m->sgt, sg, i) {
		if (!sg_dma_is_bus_address(sg)) {
			dmaplan_sg_unmap(dev, tx, m);
			return -EREMOTEIO;
		}
	}
	return 0;
}
