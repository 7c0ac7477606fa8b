/**
 * What Intel's VT-d driver says that the generic domain model does not
 * (drivers/iommu/intel/iommu.c, whose messages carry pr_fmt "DMAR: ").
 */
import type { Device } from '../dma/device.js'
import { IOMMU_READ, IOMMU_WRITE, VTD_PAGE_SHIFT } from '../consts.js'
import type { Reporter } from '../findings.js'

/**
 * __domain_mapping() before 6.19, finding a present entry where it maps:
 * pr_crit() of the entry it keeps and the one it was asked to write, then
 * WARN_ON(1). A second-stage leaf is the frame with DMA_PTE_READ (1) and
 * DMA_PTE_WRITE (2), the bits of IOMMU_READ and IOMMU_WRITE.
 */
export function vtdRemapWarning(reporter: Reporter, dev: Device, granule: number) {
  const frames = BigInt(granule >> VTD_PAGE_SHIFT)
  const pte = (pfn: number, prot: number) => ((BigInt(pfn) * frames) << BigInt(VTD_PAGE_SHIFT)) | BigInt(prot & (IOMMU_READ | IOMMU_WRITE))
  return (iovaPfn: number, old: { readonly physPfn: number; readonly prot: number }, physPfn: number, prot: number): void => {
    const vpfn = BigInt(iovaPfn) * frames
    reporter.report(
      'R31',
      'error',
      'kernel',
      `WARNING: __domain_mapping: ${dev.name} ${dev.bdf}: DMAR: ERROR: DMA PTE for vPFN 0x${vpfn.toString(16)} already set (to ${pte(old.physPfn, old.prot).toString(16)} not ${pte(physPfn, prot).toString(16)})`,
    )
  }
}
