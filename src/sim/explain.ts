/**
 * What each finding of a simulation means, for `dmaplan explain`: the check
 * in plain words, the kernel code it comes from, and what to do. dma-debug's
 * checks keep their D numbers (docs/dma-debug.md); findings from a numbered
 * kernel behaviour carry a K- prefix (K-R6 is the dma-direct overflow of
 * docs/kernel-behaviour.md, not plan rule R6).
 */
export interface Explanation {
  readonly id: string
  readonly title: string
  readonly says: string
  readonly why: string
  readonly kernel: readonly string[]
  readonly instead: string
}

const DEBUG = ['kernel/dma/debug.c']
const e = (id: string, title: string, says: string, why: string, kernel: readonly string[], instead: string): Explanation => ({
  id,
  title,
  says,
  why,
  kernel,
  instead,
})

const CATALOG: readonly Explanation[] = [
  e('D4', 'sg segment longer than the device supports', 'A mapped scatterlist segment is longer than dma_get_max_seg_size().', 'The IOMMU coalesces entries into segments up to max_seg; a device limit lower than that must be set with dma_set_max_seg_size() before mapping.', [...DEBUG, 'check_sg_segment()'], 'Set the device\'s max segment size, or split the list.'),
  e('D5', 'sg segment across the segment boundary', 'A mapped segment crosses dma_get_seg_boundary().', 'Devices with a boundary (often 4 GiB) cannot DMA across it in one descriptor.', [...DEBUG, 'check_sg_segment()'], 'Set the boundary with dma_set_seg_boundary() so the IOMMU pads (docs/kernel-behaviour.md K-C3).'),
  e('D6', 'overlapping mappings of one cacheline', 'Two active mappings share a cacheline (cacheline tracking EEXIST), or more than 7 overlap.', 'On non-coherent systems a CPU write-back of a shared line can destroy what the device wrote.', [...DEBUG, 'add_dma_entry(), active_cacheline_insert()'], 'Do not map one buffer twice at once; use DMA_ATTR_SKIP_CPU_SYNC or DMA_ATTR_DEBUGGING_IGNORE_CACHELINES (7.0) where sharing is intended.'),
  e('D8', 'free of the error address', 'The driver unmaps DMA_MAPPING_ERROR.', 'The mapping failed and was never checked; unmapping it is a bug.', [...DEBUG, 'check_unmap()'], 'Check every mapping with dma_mapping_error() and unwind only what succeeded.'),
  e('D9', 'free of memory that is not mapped', 'The driver unmaps an address it has not mapped: a double unmap or an unmap of something never mapped.', 'dma-debug looks the address up in its hash and finds nothing.', [...DEBUG, 'check_unmap()'], 'Unmap each mapping exactly once, with the address the map returned.'),
  e('D10', 'unmap with a different size', 'The unmap gives a size other than the map\'s.', 'The IOMMU or swiotlb would release the wrong amount.', [...DEBUG, 'check_unmap()'], 'Unmap with the same size as the map.'),
  e('D11', 'unmap with the wrong function', 'Memory mapped one way is released another way (e.g. a page mapping with dma_unmap_single, a coherent buffer with unmap).', 'Each mapping type has its own teardown.', [...DEBUG, 'check_unmap()'], 'Pair dma_map_phys/page with dma_unmap_phys/page, map_sg with unmap_sg, alloc_coherent with free_coherent.'),
  e('D12', 'coherent free with a different CPU address', 'dma_free_coherent() is given another CPU address than dma_alloc_coherent() returned.', 'The allocator cannot release memory it did not hand out.', [...DEBUG, 'check_unmap()'], 'Free with the exact CPU address and handle of the allocation.'),
  e('D13', 'sg unmap with a different entry count', 'dma_unmap_sg() is given another nents than dma_map_sg() was.', 'The unmap must pass orig_nents, not the count the map returned.', [...DEBUG, 'check_unmap()'], 'Use dma_unmap_sgtable() or pass orig_nents.'),
  e('D14', 'unmap with a different direction', 'The unmap gives a direction other than the map\'s.', 'swiotlb copies back and caches are invalidated according to the direction.', [...DEBUG, 'check_unmap()'], 'Unmap with the same direction as the map.'),
  e('D15', 'mapping error never checked', 'The driver used a single mapping without calling dma_mapping_error().', 'A failed mapping returns DMA_MAPPING_ERROR, which the device would then be programmed with.', [...DEBUG, 'check_unmap()'], 'Call dma_mapping_error() after every dma_map_*().'),
  e('D16', 'sync of memory that is not mapped', 'A sync names an address no mapping of the device contains (including a sync after unmap). On an IOVA-API range it is a false positive: dma-debug does not track that API.', 'dma-debug searches the device\'s entries and finds none containing the address.', [...DEBUG, 'check_sync()'], 'Sync only live mappings, with addresses inside them.'),
  e('D17', 'sync outside the mapping', 'A sync runs past the end of its mapping.', 'Reached only when the lookup finds the entry; in practice the lookup fails first and D16 is printed.', [...DEBUG, 'check_sync()'], 'Keep syncs inside the mapping.'),
  e('D18', 'sync with a different direction', 'A sync gives another direction than a non-bidirectional mapping has.', 'The copy and cache work depend on the direction.', [...DEBUG, 'check_sync()'], 'Sync with the mapping\'s direction.'),
  e('D19', 'sync of device read-only or write-only memory', 'sync_for_cpu of a DMA_TO_DEVICE mapping, or sync_for_device of a DMA_FROM_DEVICE one.', 'There is nothing the other side could have written.', [...DEBUG, 'check_sync()'], 'Drop the sync, or map bidirectionally.'),
  e('D20', 'sg sync with a different entry count', 'A scatterlist sync gives another nents than the map.', 'Like D13, syncs take orig_nents.', [...DEBUG, 'check_sync()'], 'Use dma_sync_sgtable_for_*().'),
  e('D21', 'mappings still alive at unbind', 'The driver was unbound with DMA mappings it never released.', 'The device could still reach that memory after the driver is gone.', [...DEBUG, 'dma_debug_device_change()'], 'Unmap everything in remove() before returning.'),
  e('D22', 'dma-debug entry pool grown', 'dma-debug needed more than its preallocated entries.', 'Information: the number of simultaneous mappings is large.', [...DEBUG, 'dma_debug_create_entries()'], 'Nothing, unless the count reveals a leak.'),
  e(
    'D24',
    'MMIO mapping of RAM',
    'The driver mapped RAM with dma_map_resource() or DMA_ATTR_MMIO; dma-debug reports it from 7.1 (af0c3f058662), where 6.18 to 7.0 debug kernels refused the map.',
    'MMIO mappings skip cache maintenance and bouncing: RAM mapped that way can be read stale or written past the CPU cache.',
    [...DEBUG, 'debug_dma_map_phys()'],
    'Map RAM with dma_map_phys() (or dma_map_page) without DMA_ATTR_MMIO; keep MMIO for device memory.',
  ),
  e(
    'D23',
    'unmapped with different attributes',
    'The driver unmapped with attributes (DMA_ATTR_MMIO, REQUIRE_COHERENT, PRIVILEGED and the allocation attributes) other than those it mapped with; dma-debug checks this from 7.2 (a34bd60bdaeb).',
    'The unmap takes another path than the map did: an MMIO mapping unmapped as RAM is synced and looked up in swiotlb, RAM unmapped as MMIO is not synced back.',
    [...DEBUG, 'check_unmap()'],
    'Pass the same attributes to the unmap as to the map (DMA_ATTR_SKIP_CPU_SYNC and NO_WARN may differ).',
  ),
  e('DMAR', 'IOMMU fault', 'The device accessed an IOVA the IOMMU does not translate, or with a permission the mapping lacks (a read of a DMA_FROM_DEVICE page, a write to a DMA_TO_DEVICE page).', 'VT-d blocks the request and logs "DMAR: [DMA Read/Write] Request device ... fault addr ...".', ['drivers/iommu/intel/dmar.c: dmar_fault_do_one()', 'drivers/iommu/dma-iommu.c: dma_info_to_prot()'], 'Map the memory in the direction the device uses it, and only use it while it is mapped and synced.'),
  e('DMA', 'device access that reaches no memory', 'Without an IOMMU, the device used an address no mapping covers (or a bus address outside a BAR).', 'Nothing faults: the write lands somewhere or the read returns whatever is there. dmaplan reports it because the kernel cannot.', ['kernel/dma/direct.c'], 'Program the device only with addresses the mapping returned, inside their length.'),
  e('DATA', 'stale or wrong data', 'The CPU read bytes other than the plan expects: a missing sync on a bounced or non-coherent mapping, or a device write that never reached memory.', 'swiotlb copies only at map, sync and unmap; a non-coherent CPU cache hides device writes until invalidated.', ['kernel/dma/swiotlb.c: swiotlb_bounce()', 'arch_sync_dma_for_cpu()'], 'Sync for the CPU before reading device-written data (and for the device after CPU writes).'),
  e('MAP', 'a mapping failed', 'A transaction could not be mapped (its kernel call returned an error) and its strategy unwound.', 'Address limits, exhausted IOVA or swiotlb space, unreachable P2P or an injected failure.', ['kernel/dma/mapping.c', 'drivers/iommu/dma-iommu.c'], 'Check the reason given; widen the DMA mask, enlarge the pool, or choose a strategy that can map the memory.'),
  e('TRACE-ADDR', 'the kernel gave another DMA address', 'In a plan imported from a trace (dmaplan import), a map\'s DMA segments as the simulator predicts them differ from the ones the kernel recorded; the finding names both and the trace line.', 'The model starts from an empty IOVA space and its own placement; a trace starts in the middle of a machine\'s life (cached IOVA ranges, other mappings, the flush queue\'s timing), so on a long-running system some differences are expected; on a fresh boot with the same calls they point at the model.', ['drivers/iommu/dma-iommu.c: iommu_dma_alloc_iova()', 'drivers/iommu/iova.c: alloc_iova_fast()'], 'Record the trace from boot, or compare the mappings\' shapes (segments and lengths) rather than their addresses.'),
  e('TRACE-ASSUMED', 'what the import assumed', "In a plan imported from a trace, something the trace does not say and the importer assumed: the release, the platform or the device's DMA mask read from the addresses, a scatterlist's entries rebuilt from its merged segments, where the kernel's ticks fall, or traffic a release makes without trace events (the two-step IOVA API without its probes).", 'A trace records calls, not the machine: what it leaves out, the import fills in and says so, once each.', ['include/trace/events/dma.h', 'kernel/dma/mapping.c'], 'Give what you know (--platform, --kernel, --dma-mask, the probes of dmaplan import --probes) and the assumption goes away.'),
  e('TRACE-ORDER', "the trace's order was in doubt: the kernel's IOVA taken", 'In a plan imported from a trace, an interrupt came inside the calls just before a map (the interrupt level changed on its CPU less than half a millisecond before it), so the trace does not say in which order the IOVA allocator freed and took their IOVAs; the simulator took the kernel\'s IOVA (from its caches, or from the tree when the kernel\'s allocation came before the frees that filled them) where the trace\'s order would give another. Likewise an unmap an interrupt made inside a run of the lazy flush queue\'s timer may come before that run\'s flush, which then frees its IOVA: where the kernel hands that IOVA out again, the simulator takes it from the flush queue.', 'A map\'s and an unmap\'s event are both written after the call has taken or freed its IOVA, so an interrupt inside a call puts its own events before the call\'s. One such choice changes which IOVA every later map of the same size gets.', ['kernel/dma/mapping.c: dma_map_phys(), dma_unmap_phys()', 'drivers/iommu/iova.c: alloc_iova_fast()', 'drivers/iommu/dma-iommu.c: fq_flush_timeout(), queue_iova()'], 'Nothing to fix in the driver: it is how the trace is written. The count says how often the order was in doubt.'),
  e('LEAK', 'left mapped after the plan', 'After the plan, IOVA space, page-table entries or bounce slots are still allocated.', 'Every strategy must release what it took, on success and on every error path.', ['drivers/iommu/iova.c', 'kernel/dma/swiotlb.c'], 'Unmap every transaction, or keep it on purpose with .keep().'),
  e('K-R2', 'invalid DMA direction', 'A map, unmap or sync with a direction outside BIDIRECTIONAL, TO_DEVICE, FROM_DEVICE.', 'mapping.c BUG_ON()s: the kernel oopses.', ['kernel/dma/mapping.c: valid_dma_direction()'], 'Pass one of the three directions.'),
  e('K-R3', 'device without a DMA mask', 'The device has no dma_mask; the mapping fails with a WARN.', 'dma_map_* refuses devices whose bus never set up DMA.', ['kernel/dma/mapping.c: dma_map_phys()'], 'Call dma_set_mask_and_coherent() in probe.'),
  e('K-R5', 'HMM refusal', 'hmm_dma_map_alloc() refused the device (it needs cache maintenance or bouncing, or is addressing-limited).', 'HMM maps pages at fault time and cannot sync or bounce them.', ['mm/hmm.c: hmm_dma_map_alloc()'], 'Use a coherent device with a full DMA mask, or map with page or sg.'),
  e('K-R6', 'dma-direct overflow', 'The physical address is above the device\'s DMA mask and no swiotlb can bounce it: "DMA addr ... overflow (mask ..., bus limit ...)".', 'dma_capable() fails and swiotlb is inactive.', ['kernel/dma/direct.h: dma_direct_map_phys()', 'include/linux/dma-direct.h: dma_capable()'], 'Widen the DMA mask, allocate below the mask, or enable swiotlb.'),
  e('K-R10', 'dma_direct_map_sg host-bridge bug', 'On kernels from 6.16 until the 2026 fix, dma_direct_map_sg() leaves host-bridge P2P entries unmapped.', 'A break where a fallthrough was meant (upstream 560000d619ef).', ['kernel/dma/direct.c: dma_direct_map_sg()'], 'Use a fixed kernel, or map host-bridge P2P memory with page or iova.'),
  e('K-R13', 'bounce needed but not allowed', 'An untrusted device would need a bounce buffer for sub-granule memory, but the mapping is MMIO or REQUIRE_COHERENT.', 'MMIO cannot be bounced.', ['drivers/iommu/dma-iommu.c: iommu_dma_map_phys()'], 'Align the memory to the IOMMU granule.'),
  e('K-R14', 'unsupported alignment constraint', 'min_align_mask is larger than the IOMMU granule.', 'The IOMMU cannot preserve offset bits above its page size.', ['drivers/iommu/dma-iommu.c: __iommu_dma_map()'], 'Use a min_align_mask no larger than the granule.'),
  e('K-R16', 'unmap of an IOVA with no translation', 'An IOMMU unmap found no page-table entry.', 'A double unmap or an unmap of something never mapped.', ['drivers/iommu/dma-iommu.c: iommu_dma_unmap_phys()'], 'Unmap each mapping once.'),
  e('K-R24', 'stale IOTLB entry used', 'The device used an IOVA after a lazy unmap and before the flush queue flushed the IOTLB.', 'In lazy mode the IOTLB still translates until the next flush (up to 10 ms).', ['drivers/iommu/dma-iommu.c: queue_iova(), fq_flush_timeout()'], 'Stop the device before unmapping; use strict mode for untrusted devices.'),
  e('K-R26', 'dma_iova_try_alloc() refused its size', 'A size of 0 or one with bit 63 set.', 'The state cannot describe it.', ['drivers/iommu/dma-iommu.c: dma_iova_try_alloc()'], 'Pass the transaction\'s real size.'),
  e('K-R28', 'link at an offset with a sub-granule physical address', 'dma_iova_link() after the first range was given a physical address that does not start on the IOMMU granule (WARN, -EIO).', 'The IOVA is state->addr + offset; only the first link may carry a sub-granule offset.', ['drivers/iommu/dma-iommu.c: dma_iova_link()'], 'Align every range but the first to the granule (plan rule R6).'),
  e('IOVA', 'IOVA state used after free', 'A dma_iova_* call on a state that was already freed or destroyed.', 'The kernel does not track the IOVA API: the call would corrupt IOVA space that may belong to another mapping. dmaplan checks it itself.', ['drivers/iommu/dma-iommu.c: dma_iova_free(), dma_iova_destroy()'], 'Use a state only between dma_iova_try_alloc() and its destroy or free (plan rule R8).'),
  e('K-R30', 'linked range used before dma_iova_sync()', 'The device used a range linked without a following dma_iova_sync().', 'Links are not visible to the device until synced.', ['drivers/iommu/dma-iommu.c: dma_iova_link(), dma_iova_sync()'], 'Call dma_iova_sync() after linking, before starting the device.'),
  e('K-R31', 'link outside the state or twice', 'dma_iova_link() beyond the allocated size or over an already linked granule.', 'dma-iommu does not check; out of range corrupts someone else\'s IOVA.', ['drivers/iommu/dma-iommu.c: dma_iova_link()'], 'Link each granule once, inside [0, size).'),
  e('K-R32', 'REQUIRE_COHERENT after a bounce', 'A REQUIRE_COHERENT link on a state that already bounced.', 'The state cannot be both.', ['drivers/iommu/dma-iommu.c: dma_iova_link()'], 'Do not mix REQUIRE_COHERENT with bouncing memory.'),
  e('K-R33', 'slow unlink path', 'dma_iova_unlink/destroy walked every granule (non-coherent device or a bounced state).', 'Each granule is translated back to invalidate caches or copy back.', ['drivers/iommu/dma-iommu.c: iommu_dma_iova_unlink_range_slow()'], 'Information; use coherent devices or DMA_ATTR_SKIP_CPU_SYNC where safe.'),
  e('K-R34', 'unlink of a different amount', 'The IOMMU unmapped another number of bytes than asked (e.g. unlinking a range never linked).', 'dma_iova_unlink/destroy WARN on the mismatch.', ['drivers/iommu/dma-iommu.c: __iommu_dma_iova_unlink()'], 'Unlink exactly what was linked.'),
  e('K-R40', 'mapping refused by the API wrapper', 'dma_map_page of a ZONE_DEVICE page, or dma_map_resource of RAM, under CONFIG_DMA_API_DEBUG.', 'The wrong entry point for the memory.', ['kernel/dma/mapping.c'], 'Use dma_map_phys with DMA_ATTR_MMIO for MMIO, dma_map_page for RAM.'),
  e('K-R41', 'dma_map_sg error code', 'A backend returned an unexpected error, reported as -EIO.', 'dma_map_sgtable() folds unknown errors into -EIO with a WARN.', ['kernel/dma/mapping.c: __dma_map_sg_attrs()'], 'Handle -EIO like any other mapping failure.'),
  e('K-R44', 'swiotlb used by this device', 'The device\'s first bounce cleared dma_skip_sync: syncs and unmaps are never skipped again.', 'Information; later dma_need_unmap() answers true.', ['kernel/dma/swiotlb.c: swiotlb_tbl_map_single()'], 'Remember DMA addresses for unmap (dma_need_unmap()).'),
  e('K-R45', 'DMA mask refused', 'dma_set_mask_and_coherent() returned -EIO: dma-direct cannot reach all of ZONE_DMA (the lowest 16 MiB on x86) with so narrow a mask.', 'dma_supported() asks dma_direct_supported(); the device keeps its previous mask and the driver\'s probe fails.', ['kernel/dma/mapping.c: dma_set_mask()', 'kernel/dma/direct.c: dma_direct_supported()'], 'Use an IOMMU for the device, or a mask of at least 24 bits.'),
  e('K-S7', 'swiotlb buffer overflow', 'A sync or unmap larger than the bounce allocation: "Buffer overflow detected".', 'swiotlb clamps the copy and WARNs.', ['kernel/dma/swiotlb.c: swiotlb_bounce()'], 'Sync and unmap with the mapping\'s size.'),
  e('K-S8', 'swiotlb buffer is full', 'No free bounce slots: "swiotlb buffer is full (sz: N bytes), total T (slots), used U (slots)".', 'The pool is exhausted or fragmented across 128-slot segments.', ['kernel/dma/swiotlb.c: swiotlb_tbl_map_single()'], 'Enlarge the pool (swiotlb=), map less at once, or avoid bouncing.'),
  e('K-S9', 'bounce buffer itself unreachable', 'The swiotlb slot is above the device\'s mask: "swiotlb addr ... overflow".', 'The pool was placed where the device cannot reach.', ['kernel/dma/direct.h: dma_direct_map_phys()'], 'Place the pool low (less RAM, or a restricted-dma-pool), or widen the mask.'),
  e('K-P5', 'bus address outside the BAR', 'The device used a bus address past the end of the provider\'s BAR.', 'P2P bus addresses are not checked by the kernel.', ['include/linux/pci-p2pdma.h: pci_p2pdma_bus_addr_map()'], 'Keep P2P accesses inside the provider\'s memory.'),
]

const BY_ID = new Map(CATALOG.map((x) => [x.id, x]))

export function explainFinding(id: string): Explanation | undefined {
  const key = id.toUpperCase()
  return BY_ID.get(key) ?? BY_ID.get(`K-${key.replace(/^KERNEL[- ]?/, '')}`)
}

export const FINDING_IDS: readonly string[] = CATALOG.map((x) => x.id)
