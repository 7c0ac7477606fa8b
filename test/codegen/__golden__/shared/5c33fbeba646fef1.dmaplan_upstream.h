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

#endif /* _DMAPLAN_UPSTREAM_H */
