//@ dmaplan_upstream.h: the upstream declarations of the APIs newer than
//@ 6.12, in the shape of the plan's target kernel (flags p2p_provider and
//@ blk_p2p_map for 6.19+, blk_iter_no_state for 7.0+), for the
//@ DMAPLAN_UPSTREAM_API compile mode.
//@section head
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
//@if blk
#include <linux/blk-mq.h>
//@endif
//@section attrs

//@include upstream.attr_mmio
#define DMA_ATTR_DEBUGGING_IGNORE_CACHELINES (1UL << 11)
#define DMA_ATTR_REQUIRE_COHERENT (1UL << 12)
//@section dma_iova

/* include/linux/dma-mapping.h */
//@include upstream.dma_iova_state

#define DMA_IOVA_USE_SWIOTLB (1ULL << 63)

static inline size_t dma_iova_size(struct dma_iova_state *state)
{
	return (size_t)(state->__size & ~DMA_IOVA_USE_SWIOTLB);
}

//@include upstream.dma_use_iova

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
//@section map_phys
dma_addr_t dma_map_phys(struct device *dev, phys_addr_t phys, size_t size,
			enum dma_data_direction dir, unsigned long attrs);
void dma_unmap_phys(struct device *dev, dma_addr_t addr, size_t size,
		    enum dma_data_direction dir, unsigned long attrs);
//@section p2pdma

/* include/linux/pci-p2pdma.h */
//@include upstream.p2pdma_types

enum pci_p2pdma_map_type pci_p2pdma_state(struct pci_p2pdma_map_state *state,
					  struct device *dev,
					  struct page *page);

//@if p2p_provider
//@include upstream.bus_addr_map_provider
//@else
static inline dma_addr_t
pci_p2pdma_bus_addr_map(struct pci_p2pdma_map_state *state, phys_addr_t paddr)
{
	WARN_ON_ONCE(state->map != PCI_P2PDMA_MAP_BUS_ADDR);
	return paddr + state->bus_off;
}
//@endif
//@section hmm_dma

/* include/linux/hmm-dma.h */
//@include upstream.hmm_dma_map

int hmm_dma_map_alloc(struct device *dev, struct hmm_dma_map *map,
		      size_t nr_entries, size_t dma_entry_size);
void hmm_dma_map_free(struct device *dev, struct hmm_dma_map *map);
dma_addr_t hmm_dma_map_pfn(struct device *dev, struct hmm_dma_map *map,
			   size_t idx,
			   struct pci_p2pdma_map_state *p2pdma_state);
bool hmm_dma_unmap_pfn(struct device *dev, struct hmm_dma_map *map, size_t idx);
//@section blk_dma_iter

/* include/linux/blk-mq-dma.h */
//@if blk_p2p_map
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
//@else
struct blk_dma_iter {
	dma_addr_t addr;
	u32 len;
	blk_status_t status;
	struct req_iterator iter;
	struct pci_p2pdma_map_state p2pdma;
};
//@endif

bool blk_rq_dma_map_iter_start(struct request *req, struct device *dma_dev,
			       struct dma_iova_state *state,
			       struct blk_dma_iter *iter);
//@if blk_iter_no_state
bool blk_rq_dma_map_iter_next(struct request *req, struct device *dma_dev,
			      struct blk_dma_iter *iter);
//@else
bool blk_rq_dma_map_iter_next(struct request *req, struct device *dma_dev,
			      struct dma_iova_state *state,
			      struct blk_dma_iter *iter);
//@endif

//@include upstream.blk_rq_dma_map_coalesce

//@if blk_p2p_map
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
//@else
bool blk_rq_dma_unmap(struct request *req, struct device *dma_dev,
		      struct dma_iova_state *state, size_t mapped_len);
//@endif
//@section tail

#endif /* _DMAPLAN_UPSTREAM_H */
//@ The upstream definitions that dmaplan_compat.h repeats where the kernel
//@ lacks them: written once here, included by both headers.
//@fragment attr_mmio
#define DMA_ATTR_MMIO (1UL << 10)
//@fragment dma_iova_state
struct dma_iova_state {
	dma_addr_t addr;
	u64 __size;
};
//@fragment dma_use_iova
static inline bool dma_use_iova(struct dma_iova_state *state)
{
	return state->__size != 0;
}
//@fragment p2pdma_types
enum pci_p2pdma_map_type {
	PCI_P2PDMA_MAP_UNKNOWN = 0,
	PCI_P2PDMA_MAP_NONE,
	PCI_P2PDMA_MAP_NOT_SUPPORTED,
	PCI_P2PDMA_MAP_BUS_ADDR,
	PCI_P2PDMA_MAP_THRU_HOST_BRIDGE,
};

//@if p2p_provider
struct p2pdma_provider {
	struct device *owner;
	u64 bus_offset;
};

struct pci_p2pdma_map_state {
	struct p2pdma_provider *mem;
	enum pci_p2pdma_map_type map;
};
//@else
struct pci_p2pdma_map_state {
	struct dev_pagemap *pgmap;
	enum pci_p2pdma_map_type map;
	u64 bus_off;
};
//@endif
//@fragment bus_addr_map_provider
static inline dma_addr_t
pci_p2pdma_bus_addr_map(struct p2pdma_provider *provider, phys_addr_t paddr)
{
	return paddr + provider->bus_offset;
}
//@fragment hmm_dma_map
struct hmm_dma_map {
	struct dma_iova_state state;
	unsigned long *pfn_list;
	dma_addr_t *dma_list;
	size_t dma_entry_size;
};
//@fragment blk_rq_dma_map_coalesce
static inline bool blk_rq_dma_map_coalesce(struct dma_iova_state *state)
{
	return dma_use_iova(state);
}
