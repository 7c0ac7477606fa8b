/**
 * The simulator's constants: the kernel's (one home, src/plan/kernel-consts.ts,
 * re-exported here for the simulator's modules) and the machine's it models.
 */
export * from '../plan/kernel-consts.js'
export { U64_MAX } from '../plan/u64.js'

/** QEMU q35 puts at most this much RAM below 4 GiB once RAM reaches 0xb0000000. */
export const Q35_LOWMEM_SPLIT = 0xb000_0000n
export const Q35_LOWMEM_BIG = 0x8000_0000n
export const FOUR_GIB = 1n << 32n
/** Where the model opens the 64-bit PCI MMIO window for BARs it places itself. */
export const PCI_MMIO64_BASE = 0x380_0000_0000n
/** Intel VT-d reports the interrupt range as an IOMMU_RESV_MSI region (reserved in every DMA domain). */
export const X86_MSI_RESV_START = 0xfee0_0000n
export const X86_MSI_RESV_END = 0xfeef_ffffn
