/**
 * Disjoint ranges in address order, as the kernel keeps an IOVA domain's in
 * an rbtree: insert, remove, neighbours and lookup by address without moving
 * every range on each change. The ranges sit in blocks of at most
 * 2 * BLOCK, each block in order, the blocks in order: a change moves at most
 * one block's entries, a lookup is two binary searches. A range's lo may be
 * changed in place as long as it stays between its neighbours (reserve_iova()
 * widens a reserved range).
 */
import { partitionPoint } from '../partition-point.js'

export interface Range {
  lo: number
  hi: number
}

const BLOCK = 256

export class OrderedRanges<T extends Range> {
  readonly #blocks: T[][] = [[]]
  #size = 0

  get size(): number {
    return this.#size
  }

  /** The last block whose first range starts at or below pfn (the first block if none does). */
  #blockAt(pfn: number): number {
    // An empty block is the only one: it starts nowhere.
    return Math.max(0, partitionPoint(this.#blocks, (b) => (b[0]?.lo ?? Number.POSITIVE_INFINITY) <= pfn) - 1)
  }

  /** In a block, the number of ranges starting below pfn. */
  static #below<T extends Range>(block: readonly T[], pfn: number): number {
    return partitionPoint(block, (r) => r.lo < pfn)
  }

  insert(range: T): void {
    const b = this.#blockAt(range.lo)
    const block = this.#blocks[b] as T[]
    block.splice(OrderedRanges.#below(block, range.lo), 0, range)
    this.#size++
    if (block.length > 2 * BLOCK) this.#blocks.splice(b + 1, 0, block.splice(BLOCK))
  }

  /** Where the range is: its block and index, or undefined. */
  #locate(range: T): [number, number] | undefined {
    const b = this.#blockAt(range.lo)
    const block = this.#blocks[b] as T[]
    const i = OrderedRanges.#below(block, range.lo)
    return block[i] === range ? [b, i] : undefined
  }

  remove(range: T): boolean {
    const at = this.#locate(range)
    if (at === undefined) return false
    const block = this.#blocks[at[0]] as T[]
    block.splice(at[1], 1)
    this.#size--
    if (block.length === 0 && this.#blocks.length > 1) this.#blocks.splice(at[0], 1)
    return true
  }

  /** The range just below (rb_prev()). */
  prev(range: T): T | undefined {
    const at = this.#locate(range)
    if (at === undefined) return undefined
    const [b, i] = at
    return i > 0 ? (this.#blocks[b] as T[])[i - 1] : b > 0 ? (this.#blocks[b - 1] as T[]).at(-1) : undefined
  }

  /** The range just above (rb_next()). */
  next(range: T): T | undefined {
    const at = this.#locate(range)
    if (at === undefined) return undefined
    const [b, i] = at
    const block = this.#blocks[b] as T[]
    return i + 1 < block.length ? block[i + 1] : (this.#blocks[b + 1] as T[] | undefined)?.[0]
  }

  /** The range containing pfn. */
  find(pfn: number): T | undefined {
    const block = this.#blocks[this.#blockAt(pfn)] as T[]
    // The last range starting at or below pfn.
    const r = block[OrderedRanges.#below(block, pfn + 1) - 1]
    return r !== undefined && r.lo <= pfn && pfn <= r.hi ? r : undefined
  }

  /** The first range (in order) whose hi is at or above pfn: the ranges are disjoint, so their ends rise with their starts. */
  firstReaching(pfn: number): T | undefined {
    // The first block whose last range reaches pfn (an empty block is the only one, and reaches nothing).
    const block = this.#blocks[partitionPoint(this.#blocks, (b) => ((b.at(-1) as T | undefined)?.hi ?? Number.NEGATIVE_INFINITY) < pfn)]
    return block?.find((r) => r.hi >= pfn)
  }

  *[Symbol.iterator](): IterableIterator<T> {
    for (const block of this.#blocks) yield* block
  }
}
