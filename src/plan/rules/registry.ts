import { R10 } from './r10-blk-one-way.js'

/**
 * Rules R1-R10: what each one says, why the kernel behaves that way, and what
 * to do instead. The one-line `rule` is the sentence of the README's rule
 * table; the per-violation sentences live in messages.ts.
 */
export const RULE_IDS = ['R1', 'R2', 'R3', 'R4', 'R5', 'R6', 'R7', 'R8', 'R9', 'R10'] as const
export type RuleId = (typeof RULE_IDS)[number]
/** The ids as the command line's help names them: R1-R10. */
export const RULE_RANGE = `${RULE_IDS[0]}-${RULE_IDS[RULE_IDS.length - 1]}`

export interface RuleInfo {
  readonly id: RuleId
  readonly title: string
  readonly rule: string
  readonly why: string
  readonly kernel: readonly string[]
  readonly instead: string
}

export const RULES: Readonly<Record<RuleId, RuleInfo>> = {
  R1: {
    id: 'R1',
    title: 'iova needs an IOMMU and 6.16',
    rule: 'iova needs a translating IOMMU on the device\'s platform and a kernel of 6.16 or later.',
    why: 'dma_iova_try_alloc() returns false unless the device is behind IOMMU-DMA (passthrough and no-IOMMU platforms use dma-direct), and the two-step API first shipped in 6.16.',
    kernel: ['drivers/iommu/dma-iommu.c: dma_iova_try_alloc()', 'include/linux/dma-mapping.h: dma_use_iova()'],
    instead: 'Use page or sg, or auto, which takes the IOVA path only where it exists.',
  },
  R2: {
    id: 'R2',
    title: 'uniform transactions hold one memory kind',
    rule: 'A uniform transaction (iova, sg, page, blk) holds one memory kind; mixing host memory with bus-address P2P memory is an error that says to split the transaction.',
    why: 'One IOVA range, one scatterlist or one block request is mapped with one set of attributes and one P2P map type: the block layer refuses to merge bios of different P2P kinds, and bus-address entries never share an IOVA with host memory.',
    kernel: ['block/blk-mq-dma.c: blk_rq_dma_map_iter_start()', 'block/bio.c: P2P merge checks'],
    instead: 'Split the transaction into one per memory kind, or use hmm (per page) or auto (which dispatches).',
  },
  R3: {
    id: 'R3',
    title: 'bus-address P2P never goes through the IOMMU',
    rule: 'Bus-address P2P memory is never linked into an IOVA range nor bounced; it is allowed in p2p-bus, hmm (per page) and auto (which dispatches), and in sg and blk, whose kernel helpers map it by bus address.',
    why: 'Under a common switch without ACS redirect the peer\'s BAR is reached by PCI bus address (paddr + bus_offset); the request never reaches the IOMMU, so an IOVA would point nowhere, and MMIO cannot be bounced.',
    kernel: ['drivers/pci/p2pdma.c: calc_map_type_and_dist()', 'include/linux/pci-p2pdma.h: pci_p2pdma_bus_addr_map()'],
    instead: 'Map it with p2p-bus, hmm, sg, blk or auto.',
  },
  R4: {
    id: 'R4',
    title: 'unreachable P2P memory cannot be mapped',
    rule: 'p2p-unsupported memory (no common switch and a host bridge that does not allow P2P) cannot be mapped by any strategy.',
    why: 'pci_p2pdma_map_type() answers PCI_P2PDMA_MAP_NOT_SUPPORTED: dma_map_sg() fails with -EREMOTEIO, the block layer with BLK_STS_INVAL, HMM with DMA_MAPPING_ERROR.',
    kernel: ['drivers/pci/p2pdma.c: pci_p2pdma_map_type(), host_bridge_whitelist'],
    instead: 'Place provider and client under one PCIe switch without ACS redirect, or use a host bridge on the allow-list.',
  },
  R5: {
    id: 'R5',
    title: 'encrypted memory only bounces',
    rule: 'Encrypted memory on a confidential guest can only be mapped through swiotlb; iova and hmm refuse it (HMM refuses devices that need bouncing or cache maintenance).',
    why: 'Private guest memory is invisible to devices, so dma-direct forces swiotlb (SWIOTLB_FORCE) and copies through decrypted bounce slots; the IOVA API never bounces whole ranges and hmm_dma_map_alloc() returns -EOPNOTSUPP for devices that need syncs.',
    kernel: ['kernel/dma/direct.h: dma_direct_map_phys()', 'mm/hmm.c: hmm_dma_map_alloc()', 'kernel/dma/swiotlb.c'],
    instead: 'Use page, sg, blk or auto (they bounce), or map memory the guest has shared with the host.',
  },
  R6: {
    id: 'R6',
    title: 'no magic coalescing inside an IOVA range',
    rule: 'Inside one IOVA range only the first range may start off the IOMMU granule and only the last may end off it.',
    why: 'dma_iova_link() maps at state->addr + offset with granule-aligned sizes: a later range with a sub-granule offset is refused (WARN, -EIO) and a short interior range leaves a hole the device would read through.',
    kernel: ['drivers/iommu/dma-iommu.c: dma_iova_link(), iommu_dma_iova_link_swiotlb()'],
    instead: 'Align the interior ranges to the granule, or map the odd range in a transaction of its own.',
  },
  R7: {
    id: 'R7',
    title: 'direction and ownership',
    rule: 'Device writes need DMA_FROM_DEVICE or BIDIRECTIONAL; device reads need DMA_TO_DEVICE or BIDIRECTIONAL; CPU reads of device-written data need a sync for the CPU first on non-coherent or bounced mappings.',
    why: 'The IOMMU maps FROM_DEVICE pages write-only and TO_DEVICE pages read-only; swiotlb copies back only at sync_for_cpu and unmap, and a non-coherent CPU cache hides what the device wrote until it is invalidated.',
    kernel: ['drivers/iommu/dma-iommu.c: dma_info_to_prot()', 'kernel/dma/swiotlb.c: swiotlb_sync_single_for_cpu()'],
    instead: 'Map with the direction the device really uses, and call syncForCpu/syncForDevice where ownership changes.',
  },
  R8: {
    id: 'R8',
    title: 'lifecycle',
    rule: 'No access, sync or unmap of a transaction that is not mapped; no double unmap; a finished plan has unmapped everything it mapped, or says explicitly that it keeps a mapping.',
    why: 'dma-debug reports a sync or unmap of memory that is not mapped ("tries to free DMA memory it has not allocated") and pending mappings at unbind; the IOVA API is not tracked at all, so a double dma_iova_destroy() corrupts someone else\'s IOVA.',
    kernel: ['kernel/dma/debug.c: check_unmap(), check_sync(), dma_debug_device_change()'],
    instead: 'Unmap every transaction once, after its last access, or keep it on purpose with .keep().',
  },
  R9: {
    id: 'R9',
    title: 'the kernel version gates features',
    rule: 'The kernel version gates features: DMA_ATTR_MMIO from 6.18, REQUIRE_COHERENT from 7.0, blk iterators from 6.17 (and hmm_dma_map from 6.16).',
    why: 'Generated code must build and behave the same on the target kernel; a newer API would not link, and an older kernel maps P2P memory without MMIO semantics.',
    kernel: ['include/linux/dma-mapping.h', 'include/linux/blk-mq-dma.h', 'include/linux/hmm-dma.h'],
    instead: 'Target a newer kernel, or pick a strategy the target kernel has.',
  },
  R10,
}
