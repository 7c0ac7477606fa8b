/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The DMA mapping APIs this driver uses that are newer than some kernels it
 * builds on. Kbuild tests the kernel's headers and defines DMAPLAN_HAVE_* for
 * what they have; what they lack is defined here with the upstream signature
 * and the behaviour of the upstream stub, so that an older kernel takes the
 * driver's fallback path at run time instead of failing to build.
 *
 * With DMAPLAN_UPSTREAM_API the driver is compiled (not linked) against
 * declarations of the upstream APIs instead, which type-checks the paths
 * that an older kernel cannot run.
 */
#ifndef _DMAPLAN_COMPAT_H
#define _DMAPLAN_COMPAT_H

#include <linux/dma-mapping.h>
#include <linux/mm.h>
#include <linux/blk-mq.h>
#include <linux/memremap.h>
#include <linux/pci-p2pdma.h>

#ifdef DMAPLAN_UPSTREAM_API
#include "dmaplan_upstream.h"
#else

#ifndef DMAPLAN_HAVE_DMA_IOVA
struct dma_iova_state {
	dma_addr_t addr;
	u64 __size;
};

static inline bool dma_use_iova(struct dma_iova_state *state)
{
	return state->__size != 0;
}

/* As without CONFIG_IOMMU_DMA: never usable, so callers fall back. */
static inline bool dma_iova_try_alloc(struct device *dev,
				      struct dma_iova_state *state,
				      phys_addr_t phys, size_t size)
{
	memset(state, 0, sizeof(*state));
	return false;
}

static inline int dma_iova_link(struct device *dev,
				struct dma_iova_state *state, phys_addr_t phys,
				size_t offset, size_t size,
				enum dma_data_direction dir,
				unsigned long attrs)
{
	return -EOPNOTSUPP;
}

static inline int dma_iova_sync(struct device *dev,
				struct dma_iova_state *state, size_t offset,
				size_t size)
{
	return -EOPNOTSUPP;
}

static inline void dma_iova_destroy(struct device *dev,
				    struct dma_iova_state *state,
				    size_t mapped_len,
				    enum dma_data_direction dir,
				    unsigned long attrs)
{
}

static inline void dma_iova_unlink(struct device *dev,
				   struct dma_iova_state *state, size_t offset,
				   size_t size, enum dma_data_direction dir,
				   unsigned long attrs)
{
}

static inline void dma_iova_free(struct device *dev,
				 struct dma_iova_state *state)
{
}
#endif /* DMAPLAN_HAVE_DMA_IOVA */

#ifndef DMAPLAN_HAVE_DMA_NEED_UNMAP
/* Without the query every mapping has to be unmapped. */
static inline bool dma_need_unmap(struct device *dev)
{
	return true;
}
#endif

#ifndef DMAPLAN_HAVE_P2PDMA_STATE
enum pci_p2pdma_map_type {
	PCI_P2PDMA_MAP_UNKNOWN = 0,
	PCI_P2PDMA_MAP_NONE,
	PCI_P2PDMA_MAP_NOT_SUPPORTED,
	PCI_P2PDMA_MAP_BUS_ADDR,
	PCI_P2PDMA_MAP_THRU_HOST_BRIDGE,
};

struct pci_p2pdma_map_state {
	struct dev_pagemap *pgmap;
	enum pci_p2pdma_map_type map;
	u64 bus_off;
};

/* No bus-address helpers before 6.16: no peer is reachable. */
static inline enum pci_p2pdma_map_type
pci_p2pdma_state(struct pci_p2pdma_map_state *state, struct device *dev,
		 struct page *page)
{
	return is_pci_p2pdma_page(page) ? PCI_P2PDMA_MAP_NOT_SUPPORTED :
					  PCI_P2PDMA_MAP_NONE;
}

static inline dma_addr_t
pci_p2pdma_bus_addr_map(struct pci_p2pdma_map_state *state, phys_addr_t paddr)
{
	return paddr + state->bus_off;
}
#endif /* DMAPLAN_HAVE_P2PDMA_STATE */

#ifdef DMAPLAN_HAVE_BLK_DMA_ITER
#include <linux/blk-mq-dma.h>
#else
struct blk_dma_iter {
	dma_addr_t addr;
	u32 len;
	struct pci_p2pdma_map_state p2pdma;
	blk_status_t status;
};

/* Without the iterator no request can be mapped. */
static inline bool blk_rq_dma_map_iter_start(struct request *req,
					     struct device *dma_dev,
					     struct dma_iova_state *state,
					     struct blk_dma_iter *iter)
{
	memset(state, 0, sizeof(*state));
	iter->status = BLK_STS_NOTSUPP;
	return false;
}

static inline bool blk_rq_dma_map_iter_next(struct request *req,
					    struct device *dma_dev,
					    struct dma_iova_state *state,
					    struct blk_dma_iter *iter)
{
	iter->status = BLK_STS_NOTSUPP;
	return false;
}

static inline bool blk_rq_dma_map_coalesce(struct dma_iova_state *state)
{
	return dma_use_iova(state);
}

static inline bool blk_rq_dma_unmap(struct request *req, struct device *dma_dev,
				    struct dma_iova_state *state,
				    size_t mapped_len)
{
	return !dma_need_unmap(dma_dev);
}
#endif /* DMAPLAN_HAVE_BLK_DMA_ITER */

#endif /* DMAPLAN_UPSTREAM_API */

#endif /* _DMAPLAN_COMPAT_H */
