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

/** Example E1's buffers (docs/kernel-behaviour.md E1): a ends on a page boundary, b is a whole page, c starts on one. */
export const E1 = {
  a: { offset: 0x200, bytes: 0xe00 },
  b: { pages: 1 },
  c: { bytes: 0x800 },
} as const

/**
 * The P2P set-ups of qemu.ts in the DSL's terms (7.3: Debian's 6.12 has no
 * CONFIG_PCI_P2PDMA). ivshmem (`shm`) provides its 2 MiB BAR 2; where the
 * boot put it is read from the run. edu's DMA mask is widened to 64 bits, as
 * its 28 do not reach the BAR.
 */
const P2P_RAM = { kernel: '7.3', ramBytes: 512 << 20 } as const
export const SHM = { p2pMemory: { bytes: 2 << 20 } } as const
export const EDU_64 = { dmaMask: 64 } as const
/** edu and ivshmem below one switch whose downstream ports have no ACS: bus addresses. */
export const P2P_SWITCH = { pci: { switches: { sw: { acsRedirect: false } } } } as const
export const P2P_SWITCH_STRICT = { ...P2P_RAM, ...P2P_SWITCH, iommu: { mode: 'translated', flush: 'strict' } } as const satisfies PlatformSpec
export const P2P_SWITCH_PT = { ...P2P_RAM, ...P2P_SWITCH, iommu: { mode: 'passthrough' } } as const satisfies PlatformSpec
export const P2P_SWITCH_NONE = { ...P2P_RAM, ...P2P_SWITCH, iommu: { mode: 'none' } } as const satisfies PlatformSpec
/** Root ports of their own, q35's host bridge (not on the kernel's list), Intel's CPU: no P2P. */
export const P2P_PORTS_STRICT = { ...P2P_RAM, pci: { hostBridgeP2P: false }, iommu: { mode: 'translated', flush: 'strict' } } as const satisfies PlatformSpec
/** The same with an AMD Zen CPU: through the host bridge. */
export const P2P_EPYC_STRICT = { ...P2P_RAM, pci: { hostBridgeP2P: true }, iommu: { mode: 'translated', flush: 'strict' } } as const satisfies PlatformSpec
export const P2P_EPYC_PT = { ...P2P_RAM, pci: { hostBridgeP2P: true }, iommu: { mode: 'passthrough' } } as const satisfies PlatformSpec
/** Two functions below one root port, whose ACS redirect the IOMMU's set-up enables. */
export const P2P_ACS_STRICT = {
  ...P2P_RAM,
  pci: { switches: { rp: { acsRedirect: true } }, hostBridgeP2P: false },
  iommu: { mode: 'translated', flush: 'strict' },
} as const satisfies PlatformSpec

/** edu below an external-facing root port (test/kernel/acpi): untrusted, on VT-d lazy, with no swiotlb pool (512 MiB of RAM). */
export const VTD_UNTRUSTED = { ...VTD_LAZY, kernel: '7.3' } as const satisfies PlatformSpec
export const EDU_UNTRUSTED = { ...EDU, trusted: false } as const
