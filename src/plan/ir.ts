/**
 * The plan IR: plain, frozen, serialisable data. It is the single contract
 * between the DSL (or a JSON file) and every back end: the simulator, the code
 * generator and the command line read nothing else.
 *
 * 64-bit quantities are bigint here and hex strings in JSON (see u64.ts).
 */
import type { StrategyName } from '../strategies/index.js'
import type { KernelVersion } from './kernel.js'

export const PLAN_FORMAT = 'dmaplan.plan/v1' as const

/** How the platform's IOMMU treats DMA from the plan's device. */
export type IommuMode = 'translated' | 'passthrough' | 'none'
/** Smallest IOMMU page size: 4 KiB on x86, 16 or 64 KiB on some arm64 systems. */
export type Granule = 4096 | 16384 | 65536
/** Strict: every unmap flushes the IOTLB. Lazy: unmaps go through the flush queue. */
export type FlushPolicy = 'strict' | 'lazy'

export interface IommuIR {
  readonly mode: IommuMode
  readonly granule: Granule
  readonly flush: FlushPolicy
  /** Input address width of the IOMMU (aperture end = 2^width - 1). */
  readonly addressWidth: number
}

export interface SwitchIR {
  readonly name: string
  /** The downstream ports redirect peer-to-peer requests upstream (ACS RR/CR/EC). */
  readonly acsRedirect: boolean
  /** The switch this one hangs below; absent when it sits on a root port. */
  readonly upstream?: string
}

export interface PciIR {
  readonly switches: readonly SwitchIR[]
  /** The host bridge is on the P2P allow-list (or the CPU is AMD Zen). */
  readonly hostBridgeP2P: boolean
}

export interface SwiotlbIR {
  /** Pool size; the kernel default is 64 MiB. */
  readonly bytes: bigint
  /** swiotlb=force: every streaming mapping bounces. */
  readonly force: boolean
  /** Physical base of the pool; chosen by the model when absent. */
  readonly base?: bigint
}

export interface PlatformIR {
  readonly kernel: KernelVersion
  readonly iommu: IommuIR
  /** A confidential guest (SEV, TDX, CCA): private memory is invisible to devices. */
  readonly coco: boolean
  readonly pci: PciIR
  readonly swiotlb: SwiotlbIR
  /** Installed RAM; decides where the model places memory and what is addressing-limited. */
  readonly ramBytes: bigint
}

export interface P2pMemoryIR {
  readonly bytes: bigint
  /** CPU physical address of the BAR that holds the memory; chosen by the model when absent. */
  readonly bar?: bigint
  /** PCI bus address minus CPU physical address of the BAR (0 on most x86 hosts). */
  readonly busOffset: bigint
}

export interface DeviceIR {
  readonly name: string
  /** The switch the device sits below; absent when it has a root port of its own. */
  readonly at?: string
  /** A PCI device: the IOVA allocator tries below 4 GiB first (pci_32bit_workaround). */
  readonly pci: boolean
  /** Width of the streaming DMA mask in bits (dma_set_mask). */
  readonly dmaMask: number
  /** DMA is cache-coherent (no cache maintenance needed). */
  readonly coherent: boolean
  /** Untrusted (external-facing) devices bounce sub-granule buffers and are forced strict. */
  readonly trusted: boolean
  /** dma_get_max_seg_size(); 64 KiB when the driver does not set it. */
  readonly maxSegmentSize: number
  /** dma_get_seg_boundary(); 4 GiB - 1 for PCI devices. */
  readonly segmentBoundary: bigint
  /** dma_get_min_align_mask(); 0 unless set (NVMe uses 4 KiB - 1). */
  readonly minAlignMask: number
  readonly p2pMemory?: P2pMemoryIR
}

/** What the memory behind a region is, before it meets a device. */
export type MemorySource = 'ram' | 'p2p'

export interface RegionIR {
  readonly name: string
  readonly memory: MemorySource
  /** The device whose BAR provides the memory (memory: 'p2p'). */
  readonly provider?: string
  /** Private memory of a confidential guest (memory: 'ram' on a coco platform, unless shared). */
  readonly encrypted: boolean
  /** Offset of the first byte within its 4 KiB page. */
  readonly offset: bigint
  readonly bytes: bigint
  /** Physical address of the first byte; chosen by the model when absent. */
  readonly phys?: bigint
}

/** The strategies of src/strategies, by name. */
export type Strategy = StrategyName
/** A transaction's DMA direction (enum dma_data_direction, without DMA_NONE). */
export const DIRECTIONS = ['to-device', 'from-device', 'bidirectional'] as const
export type Direction = (typeof DIRECTIONS)[number]
export type DmaAttr =
  | 'DMA_ATTR_WEAK_ORDERING'
  | 'DMA_ATTR_SKIP_CPU_SYNC'
  | 'DMA_ATTR_NO_WARN'
  | 'DMA_ATTR_PRIVILEGED'
  | 'DMA_ATTR_MMIO'
  | 'DMA_ATTR_DEBUGGING_IGNORE_CACHELINES'
  | 'DMA_ATTR_REQUIRE_COHERENT'

interface StepBase {
  /** Where the step was written ("file:line:col"), when the plan came from a .ts file. */
  readonly at?: string
}

/** Map the transaction's regions with a strategy. */
export interface MapStep extends StepBase {
  readonly op: 'map'
  readonly tx: string
  readonly strategy: Strategy
  readonly dir: Direction
  readonly attrs: readonly DmaAttr[]
  readonly regions: readonly string[]
  /** hmm: map every page at once (false: pages are linked by hmm-fault steps). */
  readonly populate: boolean
  /** What a real kernel gave for this map, where the plan was imported from a trace (src/import): the DMA segments. */
  readonly observed?: ObservedMap
}

/** A map's result as a trace recorded it: each DMA segment's address and length. */
export interface ObservedMap {
  readonly dma: readonly bigint[]
  readonly lengths: readonly bigint[]
  /**
   * The map's entries were rebuilt from fewer segments (a scatterlist the
   * IOMMU merged): only the first address and the total length are the
   * trace's; how they split into segments follows from an assumption.
   */
  readonly entriesAssumed: boolean
  /**
   * An interrupt came and went on this map's CPU just before its event:
   * as a map's or an unmap's event is written after the call's work, an
   * interrupt inside a call puts its own events first, so the trace does
   * not say in which order the IOVA allocator did the work of these calls.
   * Where the simulator's caches hold the kernel's IOVA, or its tree gives
   * it when the caches would have given another, it takes that one.
   */
  readonly interrupted?: boolean
}

/** The device reads or writes bytes [offset, offset+bytes) of a region through a transaction's mapping. */
export interface DeviceAccessStep extends StepBase {
  readonly op: 'device-read' | 'device-write'
  readonly tx: string
  readonly region: string
  readonly offset: bigint
  readonly bytes: bigint
}

/**
 * The CPU reads or writes bytes of a region. The CPU touches memory, not a
 * mapping: the rules look at every live transaction that maps the region.
 */
export interface CpuAccessStep extends StepBase {
  readonly op: 'cpu-read' | 'cpu-write'
  readonly region: string
  readonly offset: bigint
  readonly bytes: bigint
}

export type AccessStep = DeviceAccessStep | CpuAccessStep

/** Hand ownership to the CPU or back to the device (dma_sync_*_for_cpu/device). */
export interface SyncStep extends StepBase {
  readonly op: 'sync-for-cpu' | 'sync-for-device'
  readonly tx: string
  /** Only this region; the whole transaction when absent. */
  readonly region?: string
}

/** HMM: link (fault) or unlink (invalidate) the page at an index of the mirror. */
export interface HmmStep extends StepBase {
  readonly op: 'hmm-fault' | 'hmm-invalidate'
  readonly tx: string
  readonly index: number
}

/**
 * dma_iova_unlink(): take one region out of a mapped iova transaction's
 * range; the rest stays linked and the device loses its access to the
 * region. The transaction's unmap then unlinks what is still linked.
 */
export interface UnlinkStep extends StepBase {
  readonly op: 'unlink'
  readonly tx: string
  readonly region: string
}

export interface UnmapStep extends StepBase {
  readonly op: 'unmap'
  readonly tx: string
  /**
   * A trace showed this unmap in an interrupt that came while the lazy
   * flush queue's timer ran (fq_flush_timeout()): its IOVA may have been
   * queued before that run's flush began, and freed by it, or after.
   */
  readonly inFqTimer?: true
}

/** The plan ends with this transaction still mapped, on purpose. */
export interface KeepStep extends StepBase {
  readonly op: 'keep'
  readonly tx: string
}

/** Let simulated time pass (the lazy flush queue drains after 10 ms). */
export interface WaitStep extends StepBase {
  readonly op: 'wait'
  readonly ms: number
  /** The lazy flush queue's timer ran at the end of this wait, as a trace saw it (Plan.observed.fqTimer). */
  readonly fqTimer?: boolean
}

/*
 * Driver steps: what a driver changes in its device's DMA constraints while
 * it probes, between transactions (a 64-bit mask that falls back to 32
 * bits, a segment boundary or size a later part of the driver needs). Each
 * stores what the kernel call stores in struct device; mappings made from
 * then on follow it, mappings already made keep what they got.
 */

/** dma_set_mask_and_coherent(dev, DMA_BIT_MASK(bits)): the streaming and the coherent mask. */
export interface SetDmaMaskStep extends StepBase {
  readonly op: 'set-dma-mask'
  readonly bits: number
}

/** dma_set_seg_boundary(dev, mask): no DMA segment may cross a multiple of mask + 1. */
export interface SetSegmentBoundaryStep extends StepBase {
  readonly op: 'set-segment-boundary'
  readonly mask: bigint
}

/** dma_set_max_seg_size(dev, bytes): the longest DMA segment the device takes. */
export interface SetMaxSegmentSizeStep extends StepBase {
  readonly op: 'set-max-segment-size'
  readonly bytes: number
}

/** dma_set_min_align_mask(dev, mask): swiotlb keeps these low address bits of the original in the bounce slot. */
export interface SetMinAlignMaskStep extends StepBase {
  readonly op: 'set-min-align-mask'
  readonly mask: number
}

export type DriverStep = SetDmaMaskStep | SetSegmentBoundaryStep | SetMaxSegmentSizeStep | SetMinAlignMaskStep

export type Step = MapStep | DeviceAccessStep | CpuAccessStep | SyncStep | HmmStep | UnlinkStep | UnmapStep | KeepStep | WaitStep | DriverStep
export type StepOp = Step['op']

export interface Plan {
  readonly format: typeof PLAN_FORMAT
  /** Used for the generated module's name. */
  readonly name: string
  readonly platform: PlatformIR
  /** The device that performs the plan's DMA. */
  readonly device: string
  readonly devices: readonly DeviceIR[]
  readonly regions: readonly RegionIR[]
  readonly steps: readonly Step[]
  /** What a trace showed of the kernel beyond its calls (an imported plan). */
  readonly observed?: ObservedPlan
}

/** What a trace showed of the kernel beyond its calls. */
export interface ObservedPlan {
  /**
   * Where the kernel's timer ticks fall, in ms after the plan's start
   * modulo one jiffy (4 ms with HZ=250): the flush queue's timer and the
   * IOVA depot's work fire on ticks, so a lazy domain's reuse depends on it.
   */
  readonly tickPhaseMs?: number
  /**
   * The trace saw every run of the lazy flush queue's timer (fq_flush_timeout()),
   * marked on wait steps: the simulator runs it there and never on its own.
   */
  readonly fqTimer?: boolean
  /**
   * Defects of the traced driver's traffic that have no place among the
   * plan's steps (an unmap of nothing mapped, of another size or direction,
   * a sync of nothing mapped or in another direction), with the dma-debug
   * check each is (D9, D10, D14, D16, D18) and its trace line: the
   * simulation reports them.
   */
  readonly defects?: readonly { readonly check: string; readonly at: string; readonly message: string }[]
  /** What the import assumed where the trace does not say (the release, the platform, rebuilt scatterlists, traffic it cannot show): the simulation repeats it. */
  readonly assumptions?: readonly string[]
}
