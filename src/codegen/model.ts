/**
 * The plan as the back ends see it: every buffer with how it is allocated,
 * every transaction cut into slices (a run of buffers mapped one way, by one
 * part), and the steps as actions with what to unwind if they fail.
 */
import type { DeviceIR, Direction, DmaAttr, DriverStep, Plan, PlatformIR, RegionIR, Strategy } from '../plan/ir.js'
import type { MemoryKind } from '../plan/rules/messages.js'
import type { KernelShape } from './kernel-shape.js'
import type { Feature } from './features.js'

/** How a buffer comes to exist. */
export type BufAlloc =
  /** Pages of RAM. */
  | 'ram'
  /** RAM of a confidential guest shared with the host (set_memory_decrypted). */
  | 'shared'
  /** A peer's P2P memory (pci_alloc_p2pmem). */
  | 'p2p'
  /** Allocated by its coherent transaction (dma_alloc_coherent). */
  | 'coherent'

export interface BufModel {
  readonly name: string
  readonly region: RegionIR
  readonly kind: MemoryKind
  readonly alloc: BufAlloc
  /** The device that provides a P2P buffer. */
  readonly peer?: string
  /** In-page offset of the first byte. */
  readonly offset: bigint
  readonly bytes: bigint
  /** 4 KiB pages the buffer touches. */
  readonly pages: number
}

export interface SliceModel {
  readonly part: PartDef
  /** Member of the transaction's struct that holds the slice's state. */
  readonly field: string
  /** Buffers [first, first + count) of the transaction. */
  readonly first: number
  readonly count: number
  /** The memory kind of its buffers (a slice is uniform). */
  readonly kind: MemoryKind
  /** C attribute macros the slice maps with. */
  readonly attrs: readonly string[]
  /** Most segments it can give the device. */
  readonly segs: number
  /** auto: the slice links its host memory into an IOVA range when it can. */
  readonly useIova: boolean
}

export interface TxModel {
  readonly name: string
  readonly strategy: Strategy
  readonly dir: Direction
  readonly attrs: readonly DmaAttr[]
  readonly bufs: readonly BufModel[]
  readonly slices: readonly SliceModel[]
  /** Size of the transaction's segment table. */
  readonly segs: number
  /** hmm: map every page at once. */
  readonly populate: boolean
  /** Where each buffer starts in the transaction's DMA view (hmm: page-granular). */
  readonly base: readonly bigint[]
}

/** A plan step, resolved for the back ends. */
export type Action =
  /** Map a transaction; on failure unwind `cleanup` (unmaps, in that order). */
  | { readonly op: 'map'; readonly tx: TxModel; readonly cleanup: readonly TxModel[] }
  /** The device moves bytes [offset, offset + bytes) of the transaction's DMA view. */
  | { readonly op: 'device'; readonly tx: TxModel; readonly buf: BufModel; readonly offset: bigint; readonly bytes: bigint; readonly write: boolean }
  /** The CPU touches bytes [offset, offset + bytes) of a buffer. */
  | { readonly op: 'cpu'; readonly buf: BufModel; readonly offset: bigint; readonly bytes: bigint; readonly write: boolean }
  /** Hand buffers [first, first + count) to the CPU or the device. */
  | { readonly op: 'sync'; readonly tx: TxModel; readonly to: 'cpu' | 'device'; readonly first: number; readonly count: number; readonly buf?: BufModel }
  | { readonly op: 'fault'; readonly tx: TxModel; readonly index: number; readonly cleanup: readonly TxModel[] }
  | { readonly op: 'invalidate'; readonly tx: TxModel; readonly index: number }
  /** dma_iova_unlink() of the transaction's buffer at index. */
  | { readonly op: 'unlink'; readonly tx: TxModel; readonly index: number; readonly buf: BufModel }
  | { readonly op: 'unmap'; readonly tx: TxModel }
  | { readonly op: 'keep'; readonly tx: TxModel }
  | { readonly op: 'wait'; readonly ms: number }
  /** A driver step: a dma_set_*() call; a refused mask unwinds `cleanup`. */
  | { readonly op: 'dma-set'; readonly step: DriverStep; readonly cleanup: readonly TxModel[] }

export interface CodegenModel {
  /** The plan, overrides applied. */
  readonly plan: Plan
  readonly platform: PlatformIR
  readonly kernel: KernelShape
  /** The device the driver drives. */
  readonly device: DeviceIR
  readonly bufs: readonly BufModel[]
  /** Devices whose P2P memory the plan maps, in order of first use. */
  readonly peers: readonly DeviceIR[]
  readonly txs: readonly TxModel[]
  readonly actions: readonly Action[]
  /** Transactions still mapped when the plan ends (keep), in unmap order. */
  readonly kept: readonly TxModel[]
}

/*
 * A part maps one slice of a transaction (a run of its buffers) one way. Its
 * C lives in a template file; this side names the calls the plan-specific
 * code makes, the template sections they need, the kernel features they use,
 * and renders the same logic as pseudo-code. A strategy chooses parts for a
 * transaction's buffers (src/codegen/strategies); every strategy is one part.
 * The contract sits here, with the slices it reads, so that the model and
 * the parts (src/codegen/parts) do not import each other.
 */

/** A part is named after the strategy whose folder holds it. */
export type PartId = Strategy

/** A C call: the function and its argument expressions. */
export interface CallSpec {
  readonly fn: string
  readonly args: readonly string[]
}

/** What a call site in the plan-specific code knows. */
export interface CallSite {
  /** struct device * */
  readonly dev: string
  /** struct dmaplan_tx * */
  readonly tx: string
  /** Pointer to the slice's state. */
  readonly state: string
  readonly slice: SliceModel
  readonly txm: TxModel
  /** struct request_queue * (blk). */
  readonly queue: string
}

/** The names pseudo-code uses for one slice. */
export interface PseudoSite {
  readonly slice: SliceModel
  readonly txm: TxModel
  readonly bufs: readonly BufModel[]
  /** "DMA_TO_DEVICE" */
  readonly dir: string
  /** "0" or "DMA_ATTR_A | DMA_ATTR_B" */
  readonly attrs: string
  readonly kernel: KernelShape
}

export interface PartDef {
  readonly id: PartId
  /** Template file under templates/module (without extension). */
  readonly file: string
  /** Member name of the slice's state in the transaction's struct. */
  readonly field: string
  /** C type of the slice's state. */
  readonly ctype: string
  /** One line on what the part does, for comments and the pseudo rendering. */
  readonly summary: string
  readonly includes: readonly string[]
  /** The kernel APIs newer than 6.12 that its C uses for these buffers. */
  features(kernel: KernelShape, slice: SliceModel, bufs: readonly BufModel[]): readonly Feature[]
  /** Most segments the device can be given for these buffers. */
  segs(bufs: readonly BufModel[], device: DeviceIR): number

  readonly map: { readonly section: string; call(site: CallSite): CallSpec; pseudo(site: PseudoSite): string[] }
  readonly unmap: { readonly section: string; call(site: CallSite): CallSpec; pseudo(site: PseudoSite): string[] }
  /**
   * Ownership changes. Absent when the part's memory never needs them; the
   * reason is then `noSync`. `first, count` are C expressions for buffers of
   * the transaction; the part syncs those it maps.
   */
  readonly sync?: {
    /** The call syncs only the buffers [first, first + count); else the whole slice. */
    readonly ranged: boolean
    /** Template sections the call needs (the kernel's shape may add some). */
    sections(kernel: KernelShape): readonly string[]
    call(site: CallSite, to: 'cpu' | 'device', first: string, count: string): CallSpec
    pseudo(site: PseudoSite, to: 'cpu' | 'device', first: number, count: number): string[]
  }
  readonly noSync?: string
  /** iova: take one buffer out of the mapped range (dma_iova_unlink). */
  readonly unlink?: {
    readonly section: string
    call(site: CallSite, index: string): CallSpec
    pseudo(site: PseudoSite, index: number): string[]
  }
  /**
   * The part maps a block request (blk_rq_dma_map_iter_start()): the module
   * then keeps a request queue to build requests from, sized by the plan's
   * largest request.
   */
  readonly request?: true
  /** HMM: map or unmap one page of the mirror. */
  readonly pages?: {
    readonly faultSection: string
    readonly invalidateSection: string
    fault(site: CallSite, index: string): CallSpec
    invalidate(site: CallSite, index: string): CallSpec
    pseudo(site: PseudoSite, op: 'fault' | 'invalidate', index: number): string[]
  }
}
