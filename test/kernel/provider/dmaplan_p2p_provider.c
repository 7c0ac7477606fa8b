// SPDX-License-Identifier: GPL-2.0-only
/*
 * The P2P provider of the conformance set-ups: QEMU's ivshmem-plain device
 * (PCI 1af4:1110), whose BAR 2 is RAM behind a PCI BAR, registered whole as
 * P2P memory (drivers/pci/p2pdma.c, pci_p2pdma_add_resource()). A harness
 * module then allocates from it with pci_alloc_p2pmem(). It reports where
 * the BAR is and what the kernel decides about P2P between it and edu (PCI
 * 1234:11e8), the client: pci_p2pdma_distance_many() is -1 when the route
 * is not supported, which the kernel also explains in its log. One
 * "dmaplan: provider" line (test/kernel/support/observe.ts).
 */
#include <linux/module.h>
#include <linux/pci.h>
#include <linux/pci-p2pdma.h>

#define DMAPLAN_P2P_BAR 2

/* edu, the client: -1 as the distance when there is none. */
static int dmaplan_p2p_distance(struct pci_dev *pdev, const char **client)
{
	struct pci_dev *edu = pci_get_device(0x1234, 0x11e8, NULL);
	struct device *dev;
	int dist;

	*client = "none";
	if (!edu)
		return -1;
	dev = &edu->dev;
	*client = dev_name(dev);
	dist = pci_p2pdma_distance_many(pdev, &dev, 1, true);
	pci_dev_put(edu);
	return dist;
}

static int dmaplan_p2p_probe(struct pci_dev *pdev,
			     const struct pci_device_id *id)
{
	resource_size_t start, len;
	const char *client;
	int ret, dist;

	ret = pcim_enable_device(pdev);
	if (ret)
		return ret;
	ret = pci_p2pdma_add_resource(pdev, DMAPLAN_P2P_BAR, 0, 0);
	if (ret) {
		dev_err(&pdev->dev, "dmaplan: provider refused: %d\n", ret);
		return ret;
	}
	start = pci_resource_start(pdev, DMAPLAN_P2P_BAR);
	len = pci_resource_len(pdev, DMAPLAN_P2P_BAR);
	dist = dmaplan_p2p_distance(pdev, &client);
	dev_info(&pdev->dev,
		 "dmaplan: provider %s bar=%pa len=%pa client=%s distance=%d\n",
		 pci_name(pdev), &start, &len, client, dist);
	return 0;
}

static const struct pci_device_id dmaplan_p2p_ids[] = {
	{ PCI_DEVICE(0x1af4, 0x1110) },
	{}
};
MODULE_DEVICE_TABLE(pci, dmaplan_p2p_ids);

static struct pci_driver dmaplan_p2p_driver = {
	.name = "dmaplan_p2p_provider",
	.id_table = dmaplan_p2p_ids,
	.probe = dmaplan_p2p_probe,
};
module_pci_driver(dmaplan_p2p_driver);

MODULE_DESCRIPTION("ivshmem's BAR 2 as P2P memory, for dmaplan's conformance tests");
MODULE_LICENSE("GPL");
