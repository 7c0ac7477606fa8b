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

#ifndef DMAPLAN_HAVE_P2PDMA_STATE
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

/* No bus-address helpers before 6.16: no peer is reachable. */
static inline enum pci_p2pdma_map_type
pci_p2pdma_state(struct pci_p2pdma_map_state *state, struct device *dev,
		 struct page *page)
{
	return is_pci_p2pdma_page(page) ? PCI_P2PDMA_MAP_NOT_SUPPORTED :
					  PCI_P2PDMA_MAP_NONE;
}

static inline dma_addr_t
pci_p2pdma_bus_addr_map(struct p2pdma_provider *provider, phys_addr_t paddr)
{
	return paddr + provider->bus_offset;
}
#endif /* DMAPLAN_HAVE_P2PDMA_STATE */

#ifdef DMAPLAN_HAVE_HMM_DMA
#include <linux/hmm-dma.h>
#else
struct hmm_dma_map {
	struct dma_iova_state state;
	unsigned long *pfn_list;
	dma_addr_t *dma_list;
	size_t dma_entry_size;
};

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

#endif /* DMAPLAN_UPSTREAM_API */

#endif /* _DMAPLAN_COMPAT_H */
