/**
 * Options of a simulation run that are not part of the plan: fault
 * injection, the kernel's debug configuration, and a kernel that differs
 * from its release (a stable backport).
 */
import type { KernelChangeId } from '../plan/kernel-changes.js'

export interface SimOptions {
  /**
   * Make the k-th fallible kernel call fail (1-based, counting every call
   * that can fail: maps, allocations, links, syncs, iterator steps). The
   * call fails before doing anything, with its natural failure value.
   */
  readonly failAtCall?: number
  /** Every IOVA allocation fails (alloc_iova_fast() returns 0). */
  readonly exhaustIova?: boolean
  /** Every swiotlb slot is taken (swiotlb buffer is full). */
  readonly swiotlbFull?: boolean
  /** Every P2P provider answers PCI_P2PDMA_MAP_NOT_SUPPORTED. */
  readonly p2pUnsupported?: boolean
  /**
   * The kernel is built with CONFIG_DMA_API_DEBUG (dma_need_unmap() and
   * dma_dev_need_sync() then always say yes). Findings in dma-debug's style
   * are reported either way. Default false, like distribution kernels.
   */
  readonly dmaApiDebug?: boolean
  /**
   * The kernel's boot parameter dma_debug_entries=: how many entries
   * dma-debug preallocates (65536 without it); past them its pool grows
   * and says so (D22).
   */
  readonly dmaDebugEntries?: number
  /**
   * Where the kernel that runs differs from its mainline release
   * (src/plan/kernel-changes.ts): a fix backported to a stable kernel turns
   * the change off, a backported feature on.
   */
  readonly changes?: Partial<Record<KernelChangeId, boolean>>
  /**
   * Where the kernel's first tick falls after the plan's start, in ms
   * within one jiffy (0 to 4 with HZ=250): the flush queue's timer and the
   * IOVA depot's work fire on ticks. An imported plan says where its
   * trace saw them (Plan.observed.tickPhaseMs); this overrides it.
   */
  readonly jiffyPhaseMs?: number
  /** Unbind the driver after the plan: mappings still alive are reported (D21). */
  readonly unbind?: boolean
  /** Called before each plan step (for a progress indication; the run itself is synchronous). */
  readonly onProgress?: (step: number, steps: number) => void
}
