/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The DMA mapping APIs this driver uses, declared as the upstream kernel it
 * targets has them. Only a DMAPLAN_UPSTREAM_API build includes this file: it
 * compiles the driver (without linking it) against these exact signatures on
 * a kernel that predates them.
 */
#ifndef _DMAPLAN_UPSTREAM_H
#define _DMAPLAN_UPSTREAM_H

#include <linux/dma-mapping.h>
#include <linux/blk-mq.h>

#define DMA_ATTR_MMIO (1UL << 10)
#define DMA_ATTR_DEBUGGING_IGNORE_CACHELINES (1UL << 11)
#define DMA_ATTR_REQUIRE_COHERENT (1UL << 12)

/* include/linux/dma-mapping.h */
struct dma_iova_state {
	dma_addr_t addr;
	u64 __size;
};

#define DMA_IOVA_USE_SWIOTLB (1ULL << 63)

static inline size_t dma_iova_size(struct dma_iova_state *state)
{
	return (size_t)(state->__size & ~DMA_IOVA_USE_SWIOTLB);
}

static inline bool dma_use_iova(struct dma_iova_state *state)
{
	return state->__size != 0;
}

bool dma_iova_try_alloc(struct device *dev, struct dma_iova_state *state,
			phys_addr_t phys, size_t size);
void dma_iova_free(struct device *dev, struct dma_iova_state *state);
void dma_iova_destroy(struct device *dev, struct dma_iova_state *state,
		      size_t mapped_len, enum dma_data_direction dir,
		      unsigned long attrs);
int dma_iova_sync(struct device *dev, struct dma_iova_state *state,
		  size_t offset, size_t size);
int dma_iova_link(struct device *dev, struct dma_iova_state *state,
		  phys_addr_t phys, size_t offset, size_t size,
		  enum dma_data_direction dir, unsigned long attrs);
void dma_iova_unlink(struct device *dev, struct dma_iova_state *state,
		     size_t offset, size_t size, enum dma_data_direction dir,
		     unsigned long attrs);
bool dma_need_unmap(struct device *dev);
dma_addr_t dma_map_phys(struct device *dev, phys_addr_t phys, size_t size,
			enum dma_data_direction dir, unsigned long attrs);
void dma_unmap_phys(struct device *dev, dma_addr_t addr, size_t size,
		    enum dma_data_direction dir, unsigned long attrs);

/* include/linux/pci-p2pdma.h */
enum pci_p2pdma_map_type {
	PCI_P2PDMA_MAP_UNKNOWN = 0,
	PCI_P2PDMA_MAP_NONE,
	PCI_P2PDMA_MAP_NOT_SUPPORTED,
	PCI_P2PDMA_MAP_BUS_ADDR,
	PCI_P2PDMA_MAP_THRU_HOST_BRIDGE,
};

struct p2pdma_provider {
	struct device *owner;
	u64 bus_offset;
};

struct pci_p2pdma_map_state {
	struct p2pdma_provider *mem;
	enum pci_p2pdma_map_type map;
};

enum pci_p2pdma_map_type pci_p2pdma_state(struct pci_p2pdma_map_state *state,
					  struct device *dev,
					  struct page *page);

static inline dma_addr_t
pci_p2pdma_bus_addr_map(struct p2pdma_provider *provider, phys_addr_t paddr)
{
	return paddr + provider->bus_offset;
}

/* include/linux/blk-mq-dma.h */
struct blk_map_iter {
	struct bvec_iter iter;
	struct bio *bio;
	struct bio_vec *bvecs;
	bool is_integrity;
};

struct blk_dma_iter {
	dma_addr_t addr;
	u32 len;
	struct pci_p2pdma_map_state p2pdma;
	blk_status_t status;
	struct blk_map_iter iter;
};

bool blk_rq_dma_map_iter_start(struct request *req, struct device *dma_dev,
			       struct dma_iova_state *state,
			       struct blk_dma_iter *iter);
bool blk_rq_dma_map_iter_next(struct request *req, struct device *dma_dev,
			      struct blk_dma_iter *iter);

static inline bool blk_rq_dma_map_coalesce(struct dma_iova_state *state)
{
	return dma_use_iova(state);
}

static inline bool blk_rq_dma_unmap(struct request *req, struct device *dma_dev,
				    struct dma_iova_state *state,
				    size_t mapped_len,
				    enum pci_p2pdma_map_type map)
{
	if (map == PCI_P2PDMA_MAP_BUS_ADDR)
		return true;

	if (dma_use_iova(state)) {
		unsigned int attrs = 0;

		if (map == PCI_P2PDMA_MAP_THRU_HOST_BRIDGE)
			attrs |= DMA_ATTR_MMIO;

		dma_iova_destroy(dma_dev, state, mapped_len, rq_dma_dir(req),
				 attrs);
		return true;
	}

	return !dma_need_unmap(dma_dev);
}

#endif /* _DMAPLAN_UPSTREAM_H */
