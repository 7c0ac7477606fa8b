/**
 * The per-entry state of an HMM mirror (struct hmm_dma_map's pfn_list and
 * dma_list, the driver's device page table), kept so that its cost follows
 * what was faulted and mapped rather than the mirror's size:
 *
 * - frames come from hmm_range_fault() in runs (a resident region is
 *   physically contiguous), so they are kept as runs, with single entries
 *   set apart;
 * - flags and DMA addresses live in chunks that exist once an entry in
 *   them is written (ChunkedArray).
 */
import { partitionPoint } from '../partition-point.js'
import { ChunkedArray, chunkEdge } from '../chunked-array.js'

export const HMM_PFN_VALID = 1 << 0
export const HMM_PFN_DMA_MAPPED = 1 << 1
export const HMM_PFN_P2PDMA = 1 << 2
export const HMM_PFN_P2PDMA_BUS = 1 << 3

interface PfnRun {
  readonly from: number
  readonly n: number
  readonly first: number
}

export class HmmEntries {
  readonly nr: number
  /** Runs of consecutive frames, in entry order (hmm_range_fault() of resident regions). */
  readonly #runs: PfnRun[] = []
  /** Entries set one by one (after the runs: they win). */
  readonly #single = new Map<number, number>()
  /** Flags other than HMM_PFN_VALID, which the frames decide. */
  readonly #flags: ChunkedArray

  constructor(nr: number) {
    this.nr = nr
    this.#flags = new ChunkedArray(nr, (n) => new Uint8Array(n))
  }

  /** hmm_range_fault() filled entries [from, from + n) with consecutive frames from first. */
  setPfnRange(from: number, first: number, n: number): void {
    const at = partitionPoint(this.#runs, (r) => r.from < from)
    this.#runs.splice(at, 0, { from, n, first })
    this.#lastRun = undefined
    for (const i of this.#single.keys()) if (i >= from && i < from + n) this.#single.delete(i)
  }

  setPfn(i: number, pfn: number): void {
    this.#single.set(i, pfn)
  }

  /** The run last found: entries are mostly visited in order. */
  #lastRun: PfnRun | undefined

  #run(i: number): PfnRun | undefined {
    const last = this.#lastRun
    if (last !== undefined && i >= last.from && i < last.from + last.n) return last
    const r = this.#runs[partitionPoint(this.#runs, (x) => x.from <= i) - 1]
    if (r === undefined || i >= r.from + r.n) return undefined
    this.#lastRun = r
    return r
  }

  /** The frame of entry i (0 where hmm_range_fault() left it empty: pfn_list is zeroed). */
  pfn(i: number): number {
    const s = this.#single.get(i)
    if (s !== undefined) return s
    const r = this.#run(i)
    return r === undefined ? 0 : r.first + (i - r.from)
  }

  /** How many entries from i on (up to n) hold frames following entry i's. */
  contiguous(i: number, n: number): number {
    if (this.#single.size > 0) {
      let k = 1
      const first = this.pfn(i)
      while (k < n && this.pfn(i + k) === first + k) k++
      return k
    }
    const r = this.#run(i)
    return r === undefined ? 1 : Math.min(n, r.from + r.n - i)
  }

  flags(i: number): number {
    return this.#flags.get(i) | (this.#single.has(i) || this.#run(i) !== undefined ? HMM_PFN_VALID : 0)
  }

  /** Sets the bits `set` of entry i's flags and clears the bits `clear` (HMM_PFN_VALID stays what the frames say). */
  update(i: number, set: number, clear: number): void {
    this.#flags.set(i, (this.#flags.get(i) | set) & ~clear & ~HMM_PFN_VALID)
  }

  /** Entries [lo, hi) keep no flag but HMM_PFN_VALID. */
  clearFlags(lo: number, hi: number): void {
    this.#flags.fillRange(lo, hi, 0)
  }

  /** Whether entry i's chunk of flags exists (if not, none of its entries is mapped). */
  touched(i: number): boolean {
    return this.#flags.stored(i)
  }

  get bytes(): number {
    return this.#runs.length * 24 + this.#single.size * 16 + this.#flags.bytes
  }
}

/** One 64-bit DMA address per entry, as two 32-bit words in chunks. */
export class DmaAddrArray {
  readonly #hi: ChunkedArray
  readonly #lo: ChunkedArray
  readonly #fill: number

  constructor(n: number, fill: 0 | 0xffff_ffff) {
    this.#fill = fill
    this.#hi = new ChunkedArray(n, (k) => new Uint32Array(k), fill)
    this.#lo = new ChunkedArray(n, (k) => new Uint32Array(k), fill)
  }

  set(i: number, dma: bigint): void {
    this.#hi.set(i, Number(dma >> 32n))
    this.#lo.set(i, Number(dma & 0xffff_ffffn))
  }

  /** set() of an address below 2^53, without bigint arithmetic. */
  setNum(i: number, dma: number): void {
    const hi = Math.floor(dma / 2 ** 32)
    this.#hi.set(i, hi)
    this.#lo.set(i, dma - hi * 2 ** 32)
  }

  clear(i: number): void {
    this.#hi.set(i, this.#fill)
    this.#lo.set(i, this.#fill)
  }

  clearRange(lo: number, hi: number): void {
    this.#hi.fillRange(lo, hi, this.#fill)
    this.#lo.fillRange(lo, hi, this.#fill)
  }

  isFill(i: number): boolean {
    return this.#hi.get(i) === this.#fill && this.#lo.get(i) === this.#fill
  }

  get(i: number): bigint {
    return (BigInt(this.#hi.get(i)) << 32n) | BigInt(this.#lo.get(i))
  }

  /** The address as a number when it is exactly one (below 2^53), else NaN. */
  getNum(i: number): number {
    const hi = this.#hi.get(i)
    return hi < 2 ** 21 ? hi * 2 ** 32 + this.#lo.get(i) : Number.NaN
  }

  /** Whether entry i's chunk exists (if not, every entry of it holds the fill value). */
  stored(i: number): boolean {
    return this.#lo.stored(i)
  }

  get bytes(): number {
    return this.#hi.bytes + this.#lo.bytes
  }
}

/**
 * The driver's device page table for an HMM mirror (an RDMA MR's MTT):
 * one DMA address per entry, all-ones when invalid.
 */
export class DeviceTable extends DmaAddrArray {
  constructor(n: number) {
    super(n, 0xffff_ffff)
  }

  valid(i: number): boolean {
    return !this.isFill(i)
  }

  /** Runs of valid entries among the first n whose addresses follow each other by `step` (chunks never written are passed whole). */
  runs(n: number, step: number): { first: number; entries: number; dma: bigint }[] {
    const out: { first: number; entries: number; dma: bigint }[] = []
    let i = 0
    while (i < n) {
      if (!this.stored(i)) {
        i = chunkEdge(i, 1)
        continue
      }
      if (!this.valid(i)) {
        i++
        continue
      }
      const first = i
      const dma = this.get(first)
      const num = this.getNum(first)
      // Below 2^53 the addresses compare as numbers; above, as bigints.
      const exact = num + n * step < 2 ** 53
      i++
      while (i < n && this.valid(i) && (exact ? this.getNum(i) === num + (i - first) * step : this.get(i) === dma + BigInt((i - first) * step))) i++
      out.push({ first, entries: i - first, dma })
    }
    return out
  }
}

