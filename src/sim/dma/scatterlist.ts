/**
 * struct scatterlist / struct sg_table (lib/scatterlist.c). An entry has a
 * CPU side (page + offset, length) and a DMA side (dma_address, dma_length,
 * the bus-address flag); the list head carries the swiotlb flag.
 *
 * The sg strategy builds its table like sg_alloc_table_from_pages_segment()
 * would for each region on its own: a region is cut into entries of at most
 * max_segment bytes (rounded down to pages), the first entry ending on a
 * page boundary; regions are never merged with each other, so the CPU view
 * is exactly the plan's regions in order.
 *
 * The entries live in typed arrays, one per field, as the kernel keeps them
 * in one allocation: a terabyte cut at 64 KiB is 2^24 entries, which as
 * objects would take gigabytes of heap.
 */
import { sgEntryRuns } from '../../plan/sg-entries.js'
import { hex } from '../addr.js'
import { PAGE_SIZE, SG_MAX_SINGLE_ALLOC, SIZEOF_SCATTERLIST, SIZEOF_SG_TABLE } from '../consts.js'

export interface SgRange {
  readonly region: string
  readonly phys: bigint
  readonly len: bigint
}

/** One entry as plain values (tests and small reports). */
export interface ScatterEntry {
  readonly phys: bigint
  readonly length: number
  readonly dmaAddress: bigint
  readonly dmaLength: number
  readonly busAddress: boolean
  /** Which plan region the entry belongs to. */
  readonly region: string
}

/** A run of DMA segments of one length, each starting where the one before ends. */
export interface DmaSegmentRun {
  readonly dma: bigint
  readonly len: number
  readonly bus: boolean
  readonly count: number
}

export class SgTable {
  readonly origNents: number
  /** The DMA segment count dma_map_sgtable() stored. */
  nents = 0
  /** sg_dma_mark_swiotlb() on the list head. */
  swiotlb = false
  /** Entries sg_alloc_table() allocated, chain entries included. */
  readonly allocatedEntries: number
  readonly #ranges: readonly SgRange[]
  readonly #phys: BigUint64Array
  readonly #length: Float64Array
  readonly #dmaAddress: BigUint64Array
  readonly #dmaLength: Float64Array
  readonly #bus: Uint8Array
  readonly #range: Uint32Array

  constructor(ranges: readonly SgRange[], maxSegment: number) {
    const runs = ranges.map((r) => sgEntryRuns(r.phys % BigInt(PAGE_SIZE), r.len, maxSegment))
    let n = 0
    for (const rs of runs) for (const run of rs) n += run.count
    this.origNents = n
    this.allocatedEntries = sgAllocatedEntries(n)
    this.#ranges = ranges
    this.#phys = new BigUint64Array(n)
    this.#length = new Float64Array(n)
    this.#dmaAddress = new BigUint64Array(n)
    this.#dmaLength = new Float64Array(n)
    this.#bus = new Uint8Array(n)
    this.#range = new Uint32Array(n)
    let i = 0
    runs.forEach((rs, k) => {
      let phys = (ranges[k] as SgRange).phys
      for (const run of rs) {
        const len = Number(run.len)
        for (let j = 0; j < run.count; j++, i++) {
          this.#phys[i] = phys
          this.#length[i] = len
          this.#range[i] = k
          phys += run.len
        }
      }
    })
  }

  /** sg_phys(): page_to_phys(page) + offset. */
  phys(i: number): bigint {
    return this.#phys[i] ?? 0n
  }

  length(i: number): number {
    return this.#length[i] ?? 0
  }

  /** sg_dma_address(). */
  dmaAddress(i: number): bigint {
    return this.#dmaAddress[i] ?? 0n
  }

  /** sg_dma_len(). */
  dmaLength(i: number): number {
    return this.#dmaLength[i] ?? 0
  }

  /** sg_dma_is_bus_address(). */
  busAddress(i: number): boolean {
    return this.#bus[i] === 1
  }

  region(i: number): string {
    return this.#ranges[this.#range[i] ?? 0]?.region ?? ''
  }

  setDmaAddress(i: number, addr: bigint): void {
    this.#dmaAddress[i] = addr
  }

  setDmaLength(i: number, len: number): void {
    this.#dmaLength[i] = len
  }

  /** sg_dma_mark_bus_address() / sg_dma_unmark_bus_address(). */
  setBusAddress(i: number, bus: boolean): void {
    this.#bus[i] = bus ? 1 : 0
  }

  entry(i: number): ScatterEntry {
    return { phys: this.phys(i), length: this.length(i), dmaAddress: this.dmaAddress(i), dmaLength: this.dmaLength(i), busAddress: this.busAddress(i), region: this.region(i) }
  }

  /** Every entry as plain values. */
  entries(): ScatterEntry[] {
    return Array.from({ length: this.origNents }, (_, i) => this.entry(i))
  }
}

/** __sg_alloc_table(): 128-entry chunks, each but the last giving one entry to the chain link. */
export function sgAllocatedEntries(nents: number): number {
  if (nents <= SG_MAX_SINGLE_ALLOC) return nents
  // Each full chunk but the last holds SG_MAX_SINGLE_ALLOC - 1 entries and the chain link.
  const full = Math.ceil((nents - SG_MAX_SINGLE_ALLOC) / (SG_MAX_SINGLE_ALLOC - 1))
  return full * SG_MAX_SINGLE_ALLOC + (nents - full * (SG_MAX_SINGLE_ALLOC - 1))
}

export function sgTableBytes(sgt: SgTable): number {
  return SIZEOF_SG_TABLE + SIZEOF_SCATTERLIST * sgt.allocatedEntries
}

export function buildSgTable(ranges: readonly SgRange[], maxSegment: number): SgTable {
  return new SgTable(ranges, maxSegment)
}

/**
 * The DMA view, for_each_sgtable_dma_sg(): the first `nents` entries'
 * (sg_dma_address, sg_dma_len), runs of equal, contiguous segments folded.
 */
export function dmaSegmentRuns(sgt: SgTable): DmaSegmentRun[] {
  const out: { dma: bigint; len: number; bus: boolean; count: number }[] = []
  let last: { dma: bigint; len: number; bus: boolean; count: number } | undefined
  let end = 0n
  for (let i = 0; i < sgt.nents; i++) {
    const dma = sgt.dmaAddress(i)
    const len = sgt.dmaLength(i)
    const bus = sgt.busAddress(i)
    if (last !== undefined && last.len === len && last.bus === bus && end === dma) last.count++
    else out.push((last = { dma, len, bus, count: 1 }))
    end = dma + BigInt(len)
  }
  return out
}

/**
 * The DMA entries as the model's dma_map_sgtable record lists them:
 * "address+length", and "address+length*count" for a run of `count`
 * contiguous segments of that length.
 */
export function formatDmaSegs(runs: readonly DmaSegmentRun[]): string {
  return runs.map((r) => `${hex(r.dma)}+${hex(r.len)}${r.count > 1 ? `*${r.count}` : ''}`).join(' ')
}

/** formatDmaSegs() read back, one [address, length] per segment. */
export function parseDmaSegs(text: string): [bigint, bigint][] {
  const out: [bigint, bigint][] = []
  for (const word of text.split(' ')) {
    if (word === '') continue
    const [at = '0', rest = '0'] = word.split('+')
    const [len = '0', count = '1'] = rest.split('*')
    const l = BigInt(len)
    for (let k = 0n, a = BigInt(at); k < BigInt(count); k++, a += l) out.push([a, l])
  }
  return out
}

/** The DMA view entry by entry. */
export function dmaSegments(sgt: SgTable): { dma: bigint; len: number; bus: boolean }[] {
  return Array.from({ length: sgt.nents }, (_, i) => ({ dma: sgt.dmaAddress(i), len: sgt.dmaLength(i), bus: sgt.busAddress(i) }))
}
