/**
 * What a plan author writes: the inputs of platform(), device(), ram(), p2p()
 * and transaction(). Their literal types flow into the builder (const type
 * parameters), so everything a rule needs should be written as a literal.
 */
import type { DmaAttr, Direction, FlushPolicy, Granule, Strategy } from '../plan/ir.js'
import type { KernelVersion } from '../plan/kernel.js'

/** A 64-bit quantity: a number where it is exact, a bigint where it is not. */
export type U64 = number | bigint

export type IommuSpec =
  | {
      readonly mode: 'translated'
      /** Smallest IOMMU page size; 4096 unless the IOMMU only has larger pages. */
      readonly granule?: Granule
      /** strict (iommu.strict=1) or lazy (flush queue); lazy by default, as Debian builds the kernel (CONFIG_IOMMU_DEFAULT_DMA_LAZY). */
      readonly flush?: FlushPolicy
      /** Input address width of the IOMMU; 48 by default. */
      readonly addressWidth?: number
    }
  | { readonly mode: 'passthrough' }
  | { readonly mode: 'none' }

export interface SwitchSpec {
  /** Its downstream ports redirect P2P requests to the root complex (ACS RR/CR/EC). */
  readonly acsRedirect?: boolean
  /** The switch it hangs below; a root port when absent. */
  readonly upstream?: string
}

export interface PlatformSpec {
  /** Target kernel; the newest modelled release by default. */
  readonly kernel?: KernelVersion
  /**
   * The IOMMU as the kernel sets it up. Absent: a translating IOMMU with its
   * defaults, as Debian's x86 kernels set up Intel VT-d when the machine has
   * one (CONFIG_INTEL_IOMMU_DEFAULT_ON_INTGPU_OFF, CONFIG_IOMMU_DEFAULT_DMA_LAZY;
   * docs/platforms.md).
   */
  readonly iommu?: IommuSpec
  /** A confidential guest: private RAM is invisible to devices and must bounce. */
  readonly coco?: boolean
  readonly pci?: {
    readonly switches?: { readonly [name: string]: SwitchSpec }
    /** The host bridge allows P2P through the root complex. */
    readonly hostBridgeP2P?: boolean
  }
  readonly swiotlb?: {
    /** Pool size; 64 MiB by default. */
    readonly bytes?: U64
    /** swiotlb=force: every streaming mapping on dma-direct bounces. */
    readonly force?: boolean
    readonly base?: U64
  }
  /** Installed RAM; 8 GiB by default. */
  readonly ramBytes?: U64
}

export interface DeviceSpec<SwitchName extends string = string> {
  /** The switch the device sits below; a root port of its own when absent. */
  readonly at?: SwitchName
  /** A PCI device (default true). */
  readonly pci?: boolean
  /** Streaming DMA mask width in bits; 32 (the kernel's default) when absent. */
  readonly dmaMask?: number
  /** Cache-coherent DMA (default true, as on x86). */
  readonly coherent?: boolean
  /** false for external-facing devices: sub-granule buffers bounce and unmaps are strict. */
  readonly trusted?: boolean
  /** dma_set_max_seg_size(); 64 KiB by default. */
  readonly maxSegmentSize?: number
  /** dma_set_seg_boundary(); 4 GiB - 1 for PCI devices by default. */
  readonly segmentBoundary?: U64
  /** dma_set_min_align_mask(); 0 by default. */
  readonly minAlignMask?: number
  /** Memory this device offers for P2P DMA (pci_p2pdma_add_resource). */
  readonly p2pMemory?: { readonly bytes: U64; readonly bar?: U64; readonly busOffset?: U64 }
}

/** A range of memory: whole pages, or bytes starting at an offset within a page. */
export type RangeSpec =
  | { readonly pages: number; readonly phys?: U64 }
  | { readonly bytes: U64; readonly offset?: number; readonly phys?: U64 }

/** RAM; on a confidential guest it is private (encrypted) unless shared with the host. */
export type RamSpec = RangeSpec & { readonly shared?: boolean }

/** Part of a transaction's region: [offset, offset + bytes). The whole region when absent. */
export interface ByteRange {
  readonly offset?: U64
  readonly bytes?: U64
}

/** How a transaction maps its regions. */
export interface TxOptions {
  readonly strategy: Strategy
  /** The direction the device moves data; hmm maps everything DMA_BIDIRECTIONAL. */
  readonly dir: Direction
  readonly attrs?: readonly DmaAttr[]
  /** hmm: map every page now (true, the default) or let hmmFault() link pages one at a time. */
  readonly populate?: boolean
}
