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
import { partitionPoint } from '../partition-point.js'

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
  /** A run: this entry and repeat - 1 more like it, each starting where the one before ends. */
  readonly repeat?: number
}

/** DMA segments of one length, `count` of them (1 if absent) back to back from `dma`. */
export interface SegmentRun {
  readonly dma: bigint
  readonly len: bigint
  readonly count?: number
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
  readonly #regions: readonly RegionInfo[]
  readonly #runs: readonly SegmentRun[]
  /** Where each region starts in the buffer, where each run starts, and where the list ends: made on first use (most mappings are never looked into). */
  #starts: bigint[] | undefined
  #runAt: bigint[] = []
  #total = 0n

  constructor(regions: readonly RegionInfo[], segs: readonly SegmentRun[]) {
    this.#regions = regions
    this.#runs = segs
  }

  #index(): bigint[] {
    if (this.#starts !== undefined) return this.#starts
    const starts: bigint[] = []
    let at = 0n
    for (const r of this.#regions) {
      starts.push(at)
      at += r.bytes
    }
    let end = 0n
    for (const s of this.#runs) {
      this.#runAt.push(end)
      end += s.len * BigInt(s.count ?? 1)
    }
    this.#total = end
    this.#starts = starts
    return starts
  }

  /** Where the region starts in the buffer (its offset in a coalesced IOVA range). */
  start(region: number): bigint {
    return this.#index()[region] ?? 0n
  }

  locate(region: number, offset: bigint, len: bigint): DevicePiece[] | string {
    let p = this.start(region) + offset
    let left = len
    const out: DevicePiece[] = []
    // The last run that starts at or before p, then segment by segment from there.
    let r = partitionPoint(this.#runAt, (at) => at <= p) - 1
    for (; left > 0n && r >= 0 && r < this.#runs.length; r++) {
      const s = this.#runs[r] as SegmentRun
      const runStart = this.#runAt[r] as bigint
      const runEnd = runStart + s.len * BigInt(s.count ?? 1)
      while (left > 0n && p >= runStart && p < runEnd) {
        const k = s.len === 0n ? 0n : (p - runStart) / s.len
        const segStart = runStart + k * s.len
        const segEnd = segStart + s.len
        const n = left < segEnd - p ? left : segEnd - p
        out.push({ dma: s.dma + k * s.len + (p - segStart), len: Number(n) })
        p += n
        left -= n
      }
    }
    if (left > 0n) return `the hardware scatter-gather list ends ${left} bytes short of the data (its segments cover ${this.#total} bytes)`
    return out
  }
}

/** The hardware list of DMA segments, entry k being descriptor k, runs of equal, contiguous segments folded into one record. */
export function segmentsOf(list: readonly SegmentRun[]): HwSegment[] {
  const out: { dma: bigint; len: bigint; entries: number; first: number; repeat?: number }[] = []
  let first = 0
  for (const s of list) {
    const count = s.count ?? 1
    const last = out.at(-1)
    if (last !== undefined && last.len === s.len && last.dma + last.len * BigInt(last.repeat ?? 1) === s.dma) last.repeat = (last.repeat ?? 1) + count
    else out.push(count > 1 ? { dma: s.dma, len: s.len, entries: 1, first, repeat: count } : { dma: s.dma, len: s.len, entries: 1, first })
    first += count
  }
  return out
}
