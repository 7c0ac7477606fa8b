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

#define DMA_ATTR_MMIO (1UL << 10)
#define DMA_ATTR_DEBUGGING_IGNORE_CACHELINES (1UL << 11)
#define DMA_ATTR_REQUIRE_COHERENT (1UL << 12)

#endif /* _DMAPLAN_UPSTREAM_H */
