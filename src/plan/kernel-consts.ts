/**
 * Kernel constants the plan, the simulator and the generator share, named as
 * in the kernel, one definition each. Sources are given per group; values are
 * those of x86-64 with 4 KiB pages unless noted. A constant used both as a
 * number and as a bigint is defined once and viewed as the other (suffix N).
 */
import { U64_MAX } from './u64.js'

/** include/linux/dma-mapping.h: ~(dma_addr_t)0. */
export const DMA_MAPPING_ERROR = U64_MAX

/** arch/x86/include/asm/page_types.h. */
export const PAGE_SHIFT = 12
export const PAGE_SIZE = 1 << PAGE_SHIFT
export const PAGE_SIZE_N = BigInt(PAGE_SIZE)
/** include/linux/mm.h offset_in_page() and include/linux/pfn.h PHYS_PFN(). */
export const offsetInPage = (addr: bigint): bigint => addr & (PAGE_SIZE_N - 1n)
export const physPfn = (phys: bigint): bigint => phys >> BigInt(PAGE_SHIFT)

/** include/linux/blk_types.h. */
export const SECTOR_SHIFT = 9
export const SECTOR_SIZE = 1 << SECTOR_SHIFT
export const SECTOR_SIZE_N = BigInt(SECTOR_SIZE)
/** The most bytes a bio holds: bi_size is an unsigned int (include/linux/blk_types.h). */
export const BIO_MAX_SIZE = 0xffff_ffffn

/** include/linux/dma-mapping.h: attribute bits. */
export const DMA_ATTR = {
  DMA_ATTR_WEAK_ORDERING: 1 << 1,
  DMA_ATTR_WRITE_COMBINE: 1 << 2,
  DMA_ATTR_NO_KERNEL_MAPPING: 1 << 4,
  DMA_ATTR_SKIP_CPU_SYNC: 1 << 5,
  DMA_ATTR_FORCE_CONTIGUOUS: 1 << 6,
  DMA_ATTR_ALLOC_SINGLE_PAGES: 1 << 7,
  DMA_ATTR_NO_WARN: 1 << 8,
  DMA_ATTR_PRIVILEGED: 1 << 9,
  DMA_ATTR_MMIO: 1 << 10,
  DMA_ATTR_DEBUGGING_IGNORE_CACHELINES: 1 << 11,
  DMA_ATTR_REQUIRE_COHERENT: 1 << 12,
} as const
export type DmaAttrName = keyof typeof DMA_ATTR
export const SKIP_CPU_SYNC = DMA_ATTR.DMA_ATTR_SKIP_CPU_SYNC
export const NO_WARN = DMA_ATTR.DMA_ATTR_NO_WARN
export const PRIVILEGED = DMA_ATTR.DMA_ATTR_PRIVILEGED
export const NO_KERNEL_MAPPING = DMA_ATTR.DMA_ATTR_NO_KERNEL_MAPPING
export const FORCE_CONTIGUOUS = DMA_ATTR.DMA_ATTR_FORCE_CONTIGUOUS
export const MMIO = DMA_ATTR.DMA_ATTR_MMIO
export const IGNORE_CACHELINES = DMA_ATTR.DMA_ATTR_DEBUGGING_IGNORE_CACHELINES
export const REQUIRE_COHERENT = DMA_ATTR.DMA_ATTR_REQUIRE_COHERENT

/** include/linux/dma-direction.h. */
export const DMA_BIDIRECTIONAL = 0
export const DMA_TO_DEVICE = 1
export const DMA_FROM_DEVICE = 2
export const DMA_NONE = 3
export type DmaDir = 0 | 1 | 2 | 3
export const DIR_NAME = ['DMA_BIDIRECTIONAL', 'DMA_TO_DEVICE', 'DMA_FROM_DEVICE', 'DMA_NONE'] as const

/** include/uapi/asm-generic/errno*.h: the errors the DMA API returns. */
export const ERRNO = {
  EPERM: 1,
  EIO: 5,
  ENOMEM: 12,
  EEXIST: 17,
  EINVAL: 22,
  EOVERFLOW: 75,
  EOPNOTSUPP: 95,
  EADDRINUSE: 98,
  EREMOTEIO: 121,
} as const
export type ErrnoName = keyof typeof ERRNO
export const errnoName = (e: number): string => {
  const name = (Object.keys(ERRNO) as ErrnoName[]).find((k) => ERRNO[k] === -e)
  return name ? `-${name}` : String(e)
}

/** include/linux/swiotlb.h. */
export const IO_TLB_SHIFT = 11
export const IO_TLB_SIZE = 1 << IO_TLB_SHIFT
export const IO_TLB_SEGSIZE = 128
export const IO_TLB_DEFAULT_SIZE = 64 << 20

/** drivers/iommu/iova.c and dma-iommu.c. */
export const IOVA_MAG_SIZE = 127
export const IOVA_RANGE_CACHE_MAX_SIZE = 6
export const IOVA_DEPOT_DELAY_MS = 100
export const IOVA_DEFAULT_FQ_SIZE = 256
export const IOVA_DEFAULT_FQ_TIMEOUT_MS = 10

/**
 * CONFIG_HZ of Debian's kernels, both lines (a timer's expiry is a number
 * of jiffies: 4 ms each). msecs_to_jiffies() rounds up
 * (include/linux/jiffies.h): the flush queue's 10 ms are 3 jiffies, the
 * depot's 100 ms 25.
 */
export const CONFIG_HZ = 250
export const JIFFY_MS = 1000 / CONFIG_HZ
export const msecsToJiffies = (ms: number): number => Math.ceil(ms / JIFFY_MS)

/** include/linux/iommu.h: IOMMU protection bits (iommu_map prot). */
export const IOMMU_READ = 1 << 0
export const IOMMU_WRITE = 1 << 1
export const IOMMU_CACHE = 1 << 2
export const IOMMU_NOEXEC = 1 << 3
export const IOMMU_MMIO = 1 << 4
export const IOMMU_PRIV = 1 << 5

/** drivers/iommu/intel/iommu.h: VT-d's page frames are 4 KiB whatever the domain's granule. */
export const VTD_PAGE_SHIFT = 12
export const VTD_PAGE_MASK = ~((1n << BigInt(VTD_PAGE_SHIFT)) - 1n) & U64_MAX

/** kernel/dma/debug.c. */
export const HASH_SIZE = 16384
export const HASH_FN_SHIFT = 13
export const ACTIVE_CACHELINE_MAX_OVERLAP = 7
/** L1_CACHE_SHIFT on x86-64 (dma-debug tracks the first cacheline of a mapping). */
export const L1_CACHE_SHIFT = 6

/** arm64 ARCH_DMA_MINALIGN, used by the kmalloc bounce rule (K-R11) for non-coherent devices. */
export const ARCH_DMA_MINALIGN = 128
/**
 * arch/arm64/include/asm/cache.h cache_line_size(): the cache writeback
 * granule of common arm64 cores, what dma_get_cache_alignment() returns; the
 * line of the model's CPU cache for non-coherent devices.
 */
export const CACHE_LINE_SIZE = 64

/** include/linux/scatterlist.h on 64-bit with CONFIG_NEED_SG_DMA_LENGTH and _FLAGS. */
export const SIZEOF_SCATTERLIST = 32
export const SIZEOF_SG_TABLE = 16
export const SG_MAX_SINGLE_ALLOC = PAGE_SIZE / SIZEOF_SCATTERLIST
/** include/linux/dma-mapping.h struct dma_iova_state: dma_addr_t addr; u64 __size. */
export const SIZEOF_DMA_IOVA_STATE = 16
export const DMA_IOVA_USE_SWIOTLB = 1n << 63n
