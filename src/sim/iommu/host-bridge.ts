/**
 * The memory windows of the PCI host bridge, which iova_reserve_pci_windows()
 * (drivers/iommu/dma-iommu.c) reserves in the IOVA space of every PCI device
 * on an IOMMU DMA domain (K-R22): a device cannot be handed an IOVA that is
 * also a PCI bus address. The model's platform is QEMU's q35 (its RAM
 * layout is mem/layout.ts), whose host bridge has, in its ACPI _CRS
 * ("pci_bus 0000:00: root bus resource [mem ...]" at boot):
 *
 * - the legacy VGA window 0xa0000-0xbffff;
 * - the 32-bit hole from the end of RAM below 4 GiB to below the ECAM
 *   (MMCONFIG at 0xb0000000-0xbfffffff is no window), and from 0xc0000000
 *   to below the IOAPIC at 0xfec00000;
 * - the 64-bit hole of 32 GiB from the first GiB boundary above RAM (QEMU's
 *   pc_pci_hole64_start() and Q35_PCI_HOST_HOLE64_SIZE_DEFAULT).
 *
 * With 512 MiB: [mem 0xa0000-0xbffff], [mem 0x20000000-0xafffffff],
 * [mem 0xc0000000-0xfebfffff], [mem 0x100000000-0x8ffffffff].
 */
import { alignUp } from '../addr.js'
import { FOUR_GIB, Q35_LOWMEM_SPLIT } from '../consts.js'
import type { PhysRange } from '../mem/phys-mem.js'

/** A reserved bus-address range, end exclusive. */
export interface BusWindow {
  readonly start: bigint
  readonly end: bigint
}

const VGA = { start: 0xa_0000n, end: 0xc_0000n }
const ECAM_START = Q35_LOWMEM_SPLIT
const HIGH32 = { start: 0xc000_0000n, end: 0xfec0_0000n }
const GIB = 1n << 30n
const HOLE64_BYTES = 32n * GIB

/** The q35 host bridge's memory windows for this RAM (ramRanges()). */
export function q35HostBridgeWindows(ram: readonly PhysRange[]): BusWindow[] {
  const low = ram.filter((r) => r.start < FOUR_GIB).reduce((e, r) => (r.end > e ? r.end : e), 0n)
  const high = ram.filter((r) => r.start >= FOUR_GIB).reduce((e, r) => (r.end > e ? r.end : e), FOUR_GIB)
  const hole64 = alignUp(high, GIB)
  return [VGA, ...(low < ECAM_START ? [{ start: low, end: ECAM_START }] : []), HIGH32, { start: hole64, end: hole64 + HOLE64_BYTES }]
}
