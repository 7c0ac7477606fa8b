/**
 * The calls a driver makes while it probes to tell the DMA layer what its
 * device can do, and what each stores in struct device
 * (include/linux/dma-mapping.h, kernel/dma/mapping.c). Every mapping made
 * afterwards reads the new value; mappings already made keep theirs.
 */
import { DMA_BIT_MASK } from '../addr.js'
import { ERRNO, PAGE_SIZE_N } from '../consts.js'
import type { Env } from './env.js'

/** x86's ZONE_DMA: the lowest 16 MiB (arch/x86/mm/init.c, zone_dma_limit = DMA_BIT_MASK(24)). */
const ZONE_DMA_LIMIT = DMA_BIT_MASK(24)

/**
 * dma_supported(): dma-iommu takes any mask (its IOVAs are allocated below
 * it); dma-direct takes a mask that reaches ZONE_DMA, or all of memory where
 * that is less (kernel/dma/direct.c dma_direct_supported()).
 */
export function dmaSupported(env: Pick<Env, 'dev' | 'topOfRam'>, mask: bigint): boolean {
  if (env.dev.dmaIommu) return true
  if (mask >= DMA_BIT_MASK(32)) return true
  const maxPfnMask = env.topOfRam - PAGE_SIZE_N
  const minMask = maxPfnMask < ZONE_DMA_LIMIT ? maxPfnMask : ZONE_DMA_LIMIT
  return mask >= minMask
}

/**
 * dma_set_mask_and_coherent(): dma_set_mask(), then dma_set_coherent_mask()
 * with the same mask. dma_set_mask() ends in dma_setup_need_sync(), which
 * sets dma_skip_sync from coherence alone again, as at probe: a coherent
 * device's later syncs are skipped even for a bounce buffer mapped before
 * the call, until the next bounce clears the flag.
 */
export function setMaskAndCoherent(env: Env, bits: number): number {
  const mask = DMA_BIT_MASK(bits)
  if (env.dev.dmaMask === undefined || !dmaSupported(env, mask)) return -ERRNO.EIO
  env.dev.dmaMask = mask
  env.dev.dmaSkipSync = env.dev.coherent
  env.dev.coherentDmaMask = mask
  return 0
}

/** dma_set_seg_boundary() (void: without dma_parms it only WARNs; a PCI device has them). */
export function setSegBoundary(env: Env, mask: bigint): void {
  env.dev.segBoundary = mask
}

/** dma_set_max_seg_size() (void since 6.11: without dma_parms it only WARNs). */
export function setMaxSegSize(env: Env, size: number): void {
  env.dev.maxSegSize = size
}

/** dma_set_min_align_mask() (void). */
export function setMinAlignMask(env: Env, mask: number): void {
  env.dev.minAlignMask = mask
}
