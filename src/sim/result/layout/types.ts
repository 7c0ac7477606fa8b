/**
 * The layout of one transaction as the mapping report draws it: where its
 * bytes are on each address space the kernel puts between the CPU and the
 * device, and how they correspond. Addresses and lengths are exact bigints.
 */
import type { SimResult, TransactionResult } from '../schema.js'

export type RegionKind = SimResult['regions'][number]['kind']
/** How the device reaches a piece: through an IOVA, by PCI bus address, by physical address (dma-direct), or through a swiotlb slot. */
export type Route = 'iova' | 'bus' | 'direct' | 'bounce'
/** The address spaces, CPU side to device side. */
export type Band = 'phys' | 'bounce' | 'iova' | 'seg'

/** A half-open interval of addresses or offsets. */
export interface Span {
  readonly start: bigint
  readonly end: bigint
}

export interface PhysRange {
  readonly id: string
  readonly region: string
  readonly kind: RegionKind
  readonly phys: bigint
  readonly bytes: bigint
  /** The pages that hold the range: [start, start + len), PAGE_SIZE aligned. */
  readonly pages: { readonly start: bigint; readonly len: bigint }
  /** The device whose BAR holds P2P memory. */
  readonly provider?: string
  readonly placed: 'plan' | 'model'
}

/** The platform's swiotlb pool (include/linux/swiotlb.h: IO_TLB_SIZE slots). */
export interface SwiotlbPool extends Span {
  readonly slots: number
  /** IO_TLB_SIZE. */
  readonly slotSize: bigint
}

export interface BounceSlots {
  readonly id: string
  /** Physical address of the first slot (in the swiotlb pool). */
  readonly start: bigint
  readonly len: bigint
  /** Index of the first slot in the pool, and how many. */
  readonly slot: number
  readonly slots: number
}

export interface IovaRange {
  readonly id: string
  readonly start: bigint
  readonly len: bigint
  /** IOVA granules it spans. */
  readonly granules: bigint
  /** The kernel call that allocated it (absent where no traced call was running). */
  readonly call?: string
}

/** An entry of the hardware list, or a run of equal, DMA-contiguous entries drawn as one. */
export interface Segment {
  readonly id: string
  /** Index of its (first) entry in the hardware list. */
  readonly index: number
  readonly dma: bigint
  /** The bytes it spans (a run's entries together). */
  readonly len: bigint
  readonly entries: number
  readonly first: number
  /** Entries in the run, each len / repeat bytes (absent for one). */
  readonly repeat?: number
  /** Position on the device axis: offset in the transfer (or in the HMM mirror). */
  readonly at: bigint
  /** What kind of address the entry holds. */
  readonly addr: 'iova' | 'bus' | 'phys' | 'swiotlb'
}

/** A run of a region's bytes that one segment carries. */
export interface Piece {
  /** Index of the region in the transaction's list. */
  readonly region: number
  readonly offset: bigint
  readonly len: bigint
  readonly phys: bigint
  readonly dma: bigint
  /** Index of the segment. */
  readonly segment: number
  readonly route: Route
}

export interface End {
  readonly id: string
  readonly band: Band
  /** Address on that band's axis: physical, swiotlb slot, IOVA, or the segment's DMA address. */
  readonly addr: bigint
}

export type LinkKind = 'iommu' | 'dma' | 'direct' | 'bus' | 'bounce'

export interface Link {
  readonly id: string
  readonly kind: LinkKind
  readonly from: End
  readonly to: End
  readonly len: bigint
  readonly region: string
  /** Index of the region in the transaction's list. */
  readonly regionIndex: number
}

/** The device's view of a transaction: the whole transfer, or the HMM mirror page by page. */
export interface DeviceView {
  readonly total: bigint
  readonly mirror: boolean
  /** The mirror's page size (dma_entry_size), else PAGE_SIZE. */
  readonly page: bigint
}

export interface TxLayout {
  readonly tx: TransactionResult
  readonly regions: readonly PhysRange[]
  readonly bounce: readonly BounceSlots[]
  readonly iova: readonly IovaRange[]
  readonly segments: readonly Segment[]
  readonly pieces: readonly Piece[]
  readonly links: readonly Link[]
  /** Region bytes no segment carries (HMM pages not faulted in, or a list shorter than the data). */
  readonly unreached: readonly { readonly region: number; readonly span: Span }[]
  readonly view: DeviceView
  /** PAGE_SIZE. */
  readonly page: bigint
  readonly granule: bigint
  readonly pool: SwiotlbPool | undefined
}
