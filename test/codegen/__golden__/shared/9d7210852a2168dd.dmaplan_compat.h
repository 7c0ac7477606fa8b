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

#ifdef DMAPLAN_UPSTREAM_API
#include "dmaplan_upstream.h"
#else

#ifndef DMA_ATTR_MMIO
/* Only dma_map_phys() below looks at it: it never reaches the kernel. */
#define DMA_ATTR_MMIO (1UL << 10)
#endif

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

#endif /* DMAPLAN_UPSTREAM_API */

#endif /* _DMAPLAN_COMPAT_H */
