/**
 * A part maps one slice of a transaction (a run of its buffers) one way. Its
 * C lives in a template file; this side names the calls the plan-specific
 * code makes, the template sections they need, the kernel features they use,
 * and renders the same logic as pseudo-code.
 *
 * A strategy chooses parts for a transaction's buffers (src/codegen/
 * strategies); every strategy is one part, named after it.
 */
import type { DeviceIR } from '../../plan/ir.js'
import type { Feature } from '../features.js'
import type { KernelShape } from '../kernel-shape.js'
import type { BufModel, SliceModel, TxModel } from '../model.js'

export type PartId = 'page' | 'iova' | 'sg' | 'bus' | 'hmm' | 'blk' | 'coherent' | 'auto'

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
  /** HMM: map or unmap one page of the mirror. */
  readonly pages?: {
    readonly faultSection: string
    readonly invalidateSection: string
    fault(site: CallSite, index: string): CallSpec
    invalidate(site: CallSite, index: string): CallSpec
    pseudo(site: PseudoSite, op: 'fault' | 'invalidate', index: number): string[]
  }
}

/** C expression for a slice's attributes. */
export function attrsExpr(attrs: readonly string[]): string {
  return attrs.length === 0 ? '0' : attrs.join(' | ')
}

export function hex(v: bigint | number): string {
  return `0x${v.toString(16)}`
}

/**
 * Most pieces a streaming map cuts these buffers into: dma_max_mapping_size()
 * is never below one swiotlb segment (128 slots of 2 KiB) less the device's
 * min_align_mask rounded up to a slot (swiotlb_max_mapping_size()).
 */
export function pieces(bufs: readonly BufModel[], device: DeviceIR): number {
  const slot = 0x800n
  const max = 0x40000n - ((BigInt(device.minAlignMask) + slot - 1n) / slot) * slot
  return bufs.reduce((n, b) => n + Number((b.bytes + max - 1n) / max), 0)
}
