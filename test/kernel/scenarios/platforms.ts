/**
 * The DSL's platform() spec of each QEMU set-up in ../support/qemu.ts: the
 * kernel the tests boot (6.12), the IOMMU mode and flush policy, the RAM
 * and the swiotlb pool as the set-up has them. The pool's real placement
 * and size come from the boot log and replace these at comparison time.
 */
import type { PlatformSpec } from 'dmaplan'

export const VTD_STRICT = { kernel: '6.12', iommu: { mode: 'translated', flush: 'strict' }, ramBytes: 512 << 20 } as const satisfies PlatformSpec
export const VTD_LAZY = { kernel: '6.12', iommu: { mode: 'translated', flush: 'lazy' }, ramBytes: 512 << 20 } as const satisfies PlatformSpec
export const PASSTHROUGH = { kernel: '6.12', iommu: { mode: 'passthrough' }, ramBytes: 512 << 20 } as const satisfies PlatformSpec
export const NO_IOMMU = { kernel: '6.12', iommu: { mode: 'none' }, ramBytes: 512 << 20 } as const satisfies PlatformSpec
/** 200 MiB: all RAM below edu's 28-bit mask (with 512 MiB the page allocator mostly hands out pages above it). */
export const PASSTHROUGH_LOW = { ...PASSTHROUGH, ramBytes: 200 << 20 } as const satisfies PlatformSpec
export const NO_IOMMU_LOW = { ...NO_IOMMU, ramBytes: 200 << 20 } as const satisfies PlatformSpec
/** swiotlb=force with 200 MiB: the 64 MiB pool lands below edu's 28-bit mask. */
export const BOUNCE = { kernel: '6.12', iommu: { mode: 'none' }, swiotlb: { force: true }, ramBytes: 200 << 20 } as const satisfies PlatformSpec
/** swiotlb=128,force: a pool of one 128-slot segment (256 KiB). */
export const BOUNCE_SMALL = {
  kernel: '6.12',
  iommu: { mode: 'none' },
  swiotlb: { force: true, bytes: 256 << 10 },
  ramBytes: 200 << 20,
} as const satisfies PlatformSpec

/** edu's own DMA mask: 28 bits. */
export const EDU = { dmaMask: 28 } as const

/** Worked example E1's buffers (kernel-dma-facts.md): a ends on a page boundary, b is a whole page, c starts on one. */
export const E1 = {
  a: { offset: 0x200, bytes: 0xe00 },
  b: { pages: 1 },
  c: { bytes: 0x800 },
} as const
