/**
 * Kernel bugs and oddities the model reproduces per version, each with the
 * fact it comes from. A conformance run against a kernel that has a fix
 * turns the quirk off through SimOptions.quirks.
 */
import type { KernelVersion } from '../../plan/kernel.js'
import { kernelAtLeast } from '../../plan/kernel.js'

export interface Quirks {
  /**
   * C8/Q4: iommu_dma_map_sg() sets a bus-address entry's DMA length from
   * the list head (sg->length) instead of the entry. 6.12 maps bus-address
   * entries through pci_p2pdma_map_segment(), which uses the entry's own
   * length, so the quirk starts with the 6.16 refactor and is still in the
   * newest copy read.
   */
  readonly sgBusAddrHeadLength: boolean
  /**
   * R10/Q3: dma_direct_map_sg() leaves THRU_HOST_BRIDGE entries unmapped
   * (dma_address stays 0) from 6.16 until the June 2026 fix (7.1-rc,
   * 560000d619ef), so every modelled release from 6.16 to 7.0 has it.
   */
  readonly directSgHostBridgeUnmapped: boolean
  /**
   * §7.2: before the 7.0 fix ("fix partial IOVA mapping cleanup in
   * blk_rq_dma_map_iova") a dma_iova_link() error was ignored: the iterator
   * synced the partial range and reported success.
   */
  readonly blkIovaLinkErrorIgnored: boolean
  /**
   * iommu_dma_iova_link_swiotlb() unwinds a failed bounce link with
   * dma_iova_unlink(dev, state, 0, mapped) instead of `offset` (fixed in
   * June 2026, after 7.0), so a failure in a range linked at a non-zero
   * offset unlinks the wrong granules.
   */
  readonly iovaSwiotlbUnwindFromZero: boolean
}

export function defaultQuirks(version: KernelVersion): Quirks {
  return {
    sgBusAddrHeadLength: kernelAtLeast(version, '6.16'),
    directSgHostBridgeUnmapped: kernelAtLeast(version, '6.16'),
    blkIovaLinkErrorIgnored: kernelAtLeast(version, '6.17') && !kernelAtLeast(version, '7.0'),
    iovaSwiotlbUnwindFromZero: kernelAtLeast(version, '6.16'),
  }
}
