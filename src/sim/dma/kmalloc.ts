/**
 * dma_kmalloc_needs_bounce() (K-R11). CONFIG_DMA_BOUNCE_UNALIGNED_KMALLOC is
 * an arm64 option and x86 devices are always coherent, so the model enables
 * the rule exactly for non-coherent devices (the IR has no architecture;
 * a non-coherent device implies an arm64-like platform). The kernel decides
 * from the size alone: the buffer might have come from kmalloc().
 */
import { ARCH_DMA_MINALIGN, CACHE_LINE_SIZE, DMA_TO_DEVICE } from '../consts.js'
import type { DmaDir } from '../consts.js'
import type { Device } from './device.js'

/** dma_get_cache_alignment(). */
const DMA_CACHE_ALIGNMENT = CACHE_LINE_SIZE
/** kmalloc size classes below 2 * ARCH_DMA_MINALIGN with ARCH_KMALLOC_MINALIGN = 8. */
const KMALLOC_SIZES = [8, 16, 32, 64, 96, 128, 192, 256]

export const kmallocBounceEnabled = (dev: Device): boolean => !dev.coherent

export function dmaKmallocSafe(dev: Device, dir: DmaDir): boolean {
  if (!kmallocBounceEnabled(dev)) return true
  return dev.coherent || dir === DMA_TO_DEVICE
}

export function dmaKmallocSizeAligned(size: bigint): boolean {
  if (size >= BigInt(2 * ARCH_DMA_MINALIGN)) return true
  const rounded = KMALLOC_SIZES.find((s) => BigInt(s) >= size) ?? 256
  return rounded % DMA_CACHE_ALIGNMENT === 0
}

export function dmaKmallocNeedsBounce(dev: Device, size: bigint, dir: DmaDir): boolean {
  return !dmaKmallocSafe(dev, dir) && !dmaKmallocSizeAligned(size)
}
