/**
 * What a strategy is: the sequence of kernel calls that maps a transaction
 * (with its error unwinding), and the mapping it leaves for the device,
 * the syncs and the unmap. Issue 4's code generator mirrors these modules
 * one to one, so each keeps its calls in the order the C makes them.
 */
import type { MapStep } from '../../plan/ir.js'
import type { DmaDir } from '../consts.js'
import type { DmaApi } from '../dma/api.js'
import type { Machine } from '../run/machine.js'
import type { RegionInfo } from '../run/regions.js'

export interface TxContext {
  readonly m: Machine
  readonly api: DmaApi
  readonly step: MapStep
  readonly regions: readonly RegionInfo[]
  readonly dir: DmaDir
  /** The plan's attributes as kernel bits. */
  readonly attrs: number
}

/** One entry of the hardware scatter-gather list the device is programmed with. */
export interface HwSegment {
  readonly dma: bigint
  readonly len: bigint
  /** Descriptors this entry stands for (HMM: consecutive pages that are DMA-contiguous). */
  readonly entries: number
  /** Index of its first descriptor (HMM: page index in the mirror). */
  readonly first: number
}

/** A run of DMA addresses through which the device reaches some bytes. */
export interface DevicePiece {
  readonly dma: bigint
  readonly len: number
}

export interface TxMapping {
  segments(): HwSegment[]
  /** Where the device reaches [offset, offset + len) of the transaction's i-th region, or why it cannot. */
  locate(region: number, offset: bigint, len: bigint): DevicePiece[] | string
  sync(toCpu: boolean, region: number | undefined): void
  unmap(): void
  hmmFault?(index: number): void
  hmmInvalidate?(index: number): void
  /** iova: take the transaction's i-th region out of its range (dma_iova_unlink, or the fallback's unmaps). */
  unlink?(region: number): void
  /** Bytes of driver/kernel metadata describing the mapping (sg_table, IOVA state, address lists). */
  metadataBytes(): number
  /** Bytes of simulated per-mapping state (HMM arrays). */
  stateBytes(): number
  /** Which path mapped it (for the summary): iova, fallback, bounce ... */
  readonly path: string
}

export type MapOutcome = { readonly ok: true; readonly mapping: TxMapping } | { readonly ok: false; readonly error: string }

export type StrategyFn = (ctx: TxContext) => MapOutcome

/**
 * The device's view of a transaction whose regions are laid end to end in
 * one buffer and reached through an ordered list of DMA segments (a
 * scatter-gather list): byte p of the buffer is in the segment whose
 * cumulative length passes p.
 */
export class BufferView {
  readonly #starts: bigint[] = []
  readonly #segs: readonly { dma: bigint; len: bigint }[]

  constructor(regions: readonly RegionInfo[], segs: readonly { dma: bigint; len: bigint }[]) {
    let at = 0n
    for (const r of regions) {
      this.#starts.push(at)
      at += r.bytes
    }
    this.#segs = segs
  }

  /** Where the region starts in the buffer (its offset in a coalesced IOVA range). */
  start(region: number): bigint {
    return this.#starts[region] ?? 0n
  }

  locate(region: number, offset: bigint, len: bigint): DevicePiece[] | string {
    let p = this.start(region) + offset
    let left = len
    const out: DevicePiece[] = []
    let segStart = 0n
    for (const s of this.#segs) {
      const segEnd = segStart + s.len
      if (left > 0n && p >= segStart && p < segEnd) {
        const n = left < segEnd - p ? left : segEnd - p
        out.push({ dma: s.dma + (p - segStart), len: Number(n) })
        p += n
        left -= n
      }
      segStart = segEnd
    }
    if (left > 0n) return `the hardware scatter-gather list ends ${left} bytes short of the data (its segments cover ${segStart} bytes)`
    return out
  }
}

export const segmentsOf = (list: readonly { dma: bigint; len: bigint }[]): HwSegment[] => list.map((s, i) => ({ dma: s.dma, len: s.len, entries: 1, first: i }))
