/**
 * A small value for each index of [0, size), kept as runs of equal values:
 * the state of a terabyte IOVA range linked in a few pieces is a few runs,
 * not one byte per granule. Lookups are binary searches; a change rewrites
 * the runs it covers and folds equal neighbours.
 */
import { partitionPoint } from './partition-point.js'

export class RunMap {
  /** Run k covers [starts[k], starts[k + 1]) (the last one up to size) with values[k]. */
  readonly #starts: number[] = [0]
  readonly #values: number[] = [0]
  readonly size: number

  constructor(size: number) {
    this.size = size
  }

  /** Index of the run holding i. */
  #run(i: number): number {
    return partitionPoint(this.#starts, (s) => s <= i) - 1
  }

  get(i: number): number {
    return this.#values[this.#run(i)] as number
  }

  /** Runs, for the cost of the state. */
  get runs(): number {
    return this.#starts.length
  }

  /** The first index in [lo, hi) whose value passes, or -1. */
  find(lo: number, hi: number, pass: (v: number) => boolean): number {
    if (lo >= hi) return -1
    for (let k = this.#run(lo); k < this.#starts.length && (this.#starts[k] as number) < hi; k++)
      if (pass(this.#values[k] as number)) return Math.max(lo, this.#starts[k] as number)
    return -1
  }

  /** How many indices of [lo, hi) have a value that passes. */
  count(lo: number, hi: number, pass: (v: number) => boolean): number {
    let n = 0
    for (let k = lo < hi ? this.#run(lo) : this.#starts.length; k < this.#starts.length && (this.#starts[k] as number) < hi; k++) {
      if (!pass(this.#values[k] as number)) continue
      const end = (this.#starts[k + 1] as number | undefined) ?? this.size
      n += Math.min(end, hi) - Math.max(lo, this.#starts[k] as number)
    }
    return n
  }

  /** Each index of [lo, hi) takes to(its value). */
  update(lo: number, hi: number, to: (v: number) => number): void {
    if (lo >= hi) return
    this.#split(lo)
    this.#split(hi)
    const first = this.#run(lo)
    let k = first
    for (; k < this.#starts.length && (this.#starts[k] as number) < hi; k++) this.#values[k] = to(this.#values[k] as number)
    this.#fold(Math.max(first - 1, 0), k + 1)
  }

  /** What puts [lo, hi) back as it is now. */
  saved(lo: number, hi: number): () => void {
    const runs: [number, number, number][] = []
    for (let k = lo < hi ? this.#run(lo) : this.#starts.length; k < this.#starts.length && (this.#starts[k] as number) < hi; k++)
      runs.push([Math.max(lo, this.#starts[k] as number), Math.min(hi, (this.#starts[k + 1] as number | undefined) ?? this.size), this.#values[k] as number])
    return () => {
      for (const [from, to, v] of runs) this.assign(from, to, v)
    }
  }

  /** Every index of [lo, hi) takes v. */
  assign(lo: number, hi: number, v: number): void {
    this.update(lo, hi, () => v)
  }

  /** Make i the start of a run (no-op at the ends or where one starts). */
  #split(i: number): void {
    if (i <= 0 || i >= this.size) return
    const k = this.#run(i)
    if (this.#starts[k] === i) return
    this.#starts.splice(k + 1, 0, i)
    this.#values.splice(k + 1, 0, this.#values[k] as number)
  }

  /** Merge equal neighbours among runs [from, to). */
  #fold(from: number, to: number): void {
    const end = Math.min(to, this.#starts.length)
    let w = from
    for (let k = from + 1; k < end; k++) {
      if (this.#values[k] === this.#values[w]) continue
      w++
      this.#starts[w] = this.#starts[k] as number
      this.#values[w] = this.#values[k] as number
    }
    const removed = end - (w + 1)
    if (removed > 0) {
      this.#starts.splice(w + 1, removed)
      this.#values.splice(w + 1, removed)
    }
  }
}
