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

#ifndef DMA_ATTR_REQUIRE_COHERENT
/* An older kernel cannot refuse to bounce: ask for nothing. */
#define DMA_ATTR_REQUIRE_COHERENT 0
#endif

#endif /* DMAPLAN_UPSTREAM_API */

#endif /* _DMAPLAN_COMPAT_H */
