//@ dmaplan_compat.h: the APIs newer than the kernel being built against.
//@ Kbuild passes DMAPLAN_HAVE_<feature> for what the kernel's headers have;
//@ each section stands in for one missing feature with the upstream
//@ signature and the behaviour of the upstream stub. Flags name the target
//@ kernel's shape of an API: p2p_provider, blk_p2p_map, blk_iter_no_state.
//@ A feature the kernel has is included from its own header.
//@section head
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
//@if blk
#include <linux/blk-mq.h>
//@endif
//@if p2pdma
#include <linux/memremap.h>
#include <linux/pci-p2pdma.h>
//@endif

#ifdef DMAPLAN_UPSTREAM_API
#include "dmaplan_upstream.h"
#else
//@section attr_mmio

#ifndef DMA_ATTR_MMIO
/* Only dma_map_phys() below looks at it: it never reaches the kernel. */
//@include upstream.attr_mmio
#endif
//@section attr_require_coherent

#ifndef DMA_ATTR_REQUIRE_COHERENT
/* An older kernel cannot refuse to bounce: ask for nothing. */
#define DMA_ATTR_REQUIRE_COHERENT 0
#endif
//@section attr_ignore_cachelines

#ifndef DMA_ATTR_DEBUGGING_IGNORE_CACHELINES
/* Only dma-debug reads it. */
#define DMA_ATTR_DEBUGGING_IGNORE_CACHELINES 0
#endif
//@section dma_iova

#ifndef DMAPLAN_HAVE_DMA_IOVA
//@include upstream.dma_iova_state

//@include upstream.dma_use_iova

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
//@section need_unmap

#ifndef DMAPLAN_HAVE_DMA_NEED_UNMAP
/* Without the query every mapping has to be unmapped. */
static inline bool dma_need_unmap(struct device *dev)
{
	return true;
}
#endif
//@section map_phys

#ifndef DMAPLAN_HAVE_DMA_MAP_PHYS
/* What dma_map_phys() does, with the calls that predate it. */
static inline dma_addr_t dma_map_phys(struct device *dev, phys_addr_t phys,
				      size_t size, enum dma_data_direction dir,
				      unsigned long attrs)
{
	if (attrs & DMA_ATTR_MMIO)
		return dma_map_resource(dev, phys, size, dir,
					attrs & ~DMA_ATTR_MMIO);
	return dma_map_page_attrs(dev, pfn_to_page(PHYS_PFN(phys)),
				  offset_in_page(phys), size, dir, attrs);
}

static inline void dma_unmap_phys(struct device *dev, dma_addr_t addr,
				  size_t size, enum dma_data_direction dir,
				  unsigned long attrs)
{
	if (attrs & DMA_ATTR_MMIO)
		dma_unmap_resource(dev, addr, size, dir,
				   attrs & ~DMA_ATTR_MMIO);
	else
		dma_unmap_page_attrs(dev, addr, size, dir, attrs);
}
#endif /* DMAPLAN_HAVE_DMA_MAP_PHYS */
//@section p2pdma

#ifndef DMAPLAN_HAVE_P2PDMA_STATE
//@include upstream.p2pdma_types

/* No bus-address helpers before 6.16: no peer is reachable. */
static inline enum pci_p2pdma_map_type
pci_p2pdma_state(struct pci_p2pdma_map_state *state, struct device *dev,
		 struct page *page)
{
	return is_pci_p2pdma_page(page) ? PCI_P2PDMA_MAP_NOT_SUPPORTED :
					  PCI_P2PDMA_MAP_NONE;
}

//@if p2p_provider
//@include upstream.bus_addr_map_provider
//@else
static inline dma_addr_t
pci_p2pdma_bus_addr_map(struct pci_p2pdma_map_state *state, phys_addr_t paddr)
{
	return paddr + state->bus_off;
}
//@endif
#endif /* DMAPLAN_HAVE_P2PDMA_STATE */
//@section hmm_dma

#ifdef DMAPLAN_HAVE_HMM_DMA
#include <linux/hmm-dma.h>
#else
//@include upstream.hmm_dma_map

/* Without the helpers HMM maps nothing: the mirror is refused. */
static inline int hmm_dma_map_alloc(struct device *dev, struct hmm_dma_map *map,
				    size_t nr_entries, size_t dma_entry_size)
{
	return -EOPNOTSUPP;
}

static inline void hmm_dma_map_free(struct device *dev, struct hmm_dma_map *map)
{
}

static inline dma_addr_t
hmm_dma_map_pfn(struct device *dev, struct hmm_dma_map *map, size_t idx,
		struct pci_p2pdma_map_state *p2pdma_state)
{
	return DMA_MAPPING_ERROR;
}

static inline bool hmm_dma_unmap_pfn(struct device *dev,
				     struct hmm_dma_map *map, size_t idx)
{
	return false;
}
#endif /* DMAPLAN_HAVE_HMM_DMA */
//@section blk_dma_iter

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

//@if blk_iter_no_state
static inline bool blk_rq_dma_map_iter_next(struct request *req,
					    struct device *dma_dev,
					    struct blk_dma_iter *iter)
//@else
static inline bool blk_rq_dma_map_iter_next(struct request *req,
					    struct device *dma_dev,
					    struct dma_iova_state *state,
					    struct blk_dma_iter *iter)
//@endif
{
	iter->status = BLK_STS_NOTSUPP;
	return false;
}

//@include upstream.blk_rq_dma_map_coalesce

//@if blk_p2p_map
static inline bool blk_rq_dma_unmap(struct request *req, struct device *dma_dev,
				    struct dma_iova_state *state,
				    size_t mapped_len,
				    enum pci_p2pdma_map_type map)
{
	return !dma_need_unmap(dma_dev);
}
//@else
static inline bool blk_rq_dma_unmap(struct request *req, struct device *dma_dev,
				    struct dma_iova_state *state,
				    size_t mapped_len)
{
	return !dma_need_unmap(dma_dev);
}
//@endif
#endif /* DMAPLAN_HAVE_BLK_DMA_ITER */
//@section tail

#endif /* DMAPLAN_UPSTREAM_API */

#endif /* _DMAPLAN_COMPAT_H */
