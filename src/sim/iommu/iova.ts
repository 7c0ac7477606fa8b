/**
 * The IOVA allocator of drivers/iommu/iova.c, step for step, so that the
 * addresses it hands out are the kernel's (K-R18 to K-R22):
 *
 * - allocated and reserved ranges live in an ordered set (the kernel's
 *   rbtree) ending in an anchor node above the address space;
 * - allocation walks down from a cached node (one for the 32-bit space, one
 *   above it), so it is top-down and "next fit": freed space above the
 *   cached node is found again only through the retry walk or after the
 *   cached node moves up on a free;
 * - every range is naturally aligned to the power of two at or above its
 *   size; max32_alloc_size remembers the smallest 32-bit request that failed;
 * - pfn 0 is never handed out (start_pfn >= 1).
 *
 * Ranges are page frame numbers of the IOVA granule, as plain numbers (a
 * 64-bit address has a pfn below 2^52, exact in a double).
 */
import { alignDownNum, fls } from '../addr.js'
import { OrderedRanges } from './ordered-ranges.js'

export interface IovaNode {
  lo: number
  hi: number
  /** Reserved by reserve_iova() (host-bridge windows, MSI region): never freed. */
  readonly reserved: boolean
}

const ANCHOR = Number.POSITIVE_INFINITY

export class IovaDomain {
  readonly granule: number
  readonly shift: number
  readonly startPfn: number
  readonly dma32bitPfn: number
  max32AllocSize: number
  /** Ordered by lo; the last node is the anchor. */
  readonly #nodes = new OrderedRanges<IovaNode>()
  #cached: IovaNode
  #cached32: IovaNode
  readonly #anchor: IovaNode

  constructor(granule: number, startPfn: number) {
    this.granule = granule
    this.shift = Math.log2(granule)
    this.startPfn = startPfn
    this.dma32bitPfn = 2 ** (32 - this.shift)
    this.max32AllocSize = this.dma32bitPfn
    this.#anchor = { lo: ANCHOR, hi: ANCHOR, reserved: true }
    this.#nodes.insert(this.#anchor)
    this.#cached = this.#anchor
    this.#cached32 = this.#anchor
  }

  /** Allocated (non-reserved) ranges, low to high. */
  allocated(): readonly IovaNode[] {
    return [...this.#nodes].filter((n) => !n.reserved)
  }

  reservedRanges(): readonly IovaNode[] {
    return [...this.#nodes].filter((n) => n.reserved && n !== this.#anchor)
  }

  /** private_find_iova(): the node containing pfn. */
  find(pfn: number): IovaNode | undefined {
    const m = this.#nodes.find(pfn)
    return m === this.#anchor ? undefined : m
  }

  /**
   * __alloc_and_insert_iova_range(): size in granules, limitPfn exclusive
   * (alloc_iova passes limit_pfn + 1). Returns the new node or undefined.
   */
  allocRange(size: number, limitPfn: number, sizeAligned: boolean): IovaNode | undefined {
    const alignShift = sizeAligned ? fls(size - 1) : 0
    const align = 2 ** alignShift
    let highPfn = limitPfn
    let lowPfn = this.startPfn
    if (limitPfn <= this.dma32bitPfn && size >= this.max32AllocSize) return undefined

    let curr: IovaNode | undefined = limitPfn <= this.dma32bitPfn ? this.#cached32 : this.#cached
    const retryPfn = curr.hi
    let prev: IovaNode = curr
    let newPfn = 0
    for (;;) {
      // The do { } while walk of the kernel, from `curr` downwards.
      do {
        const c = curr as IovaNode
        highPfn = Math.min(highPfn, c.lo)
        // (high_pfn - size) wraps in C when high_pfn < size: it is then larger than any pfn.
        newPfn = highPfn >= size ? alignDownNum(highPfn - size, align) : ANCHOR
        prev = c
        curr = this.#nodes.prev(c)
      } while (curr !== undefined && newPfn <= curr.hi && newPfn >= lowPfn)

      if (highPfn < size || newPfn < lowPfn) {
        if (lowPfn === this.startPfn && retryPfn < limitPfn) {
          highPfn = limitPfn
          lowPfn = retryPfn + 1
          curr = this.#findLimit(limitPfn)
          continue
        }
        this.max32AllocSize = size
        return undefined
      }
      break
    }
    void prev
    const node: IovaNode = { lo: newPfn, hi: newPfn + size - 1, reserved: false }
    this.#nodes.insert(node)
    // __cached_rbnode_insert_update()
    if (node.hi < this.dma32bitPfn) this.#cached32 = node
    else this.#cached = node
    return node
  }

  /** iova_find_limit(): the first node (in order) that reaches limit_pfn, or the anchor above 4 GiB. */
  #findLimit(limitPfn: number): IovaNode {
    if (limitPfn > this.dma32bitPfn) return this.#anchor
    return this.#nodes.firstReaching(limitPfn) ?? this.#anchor
  }

  /** remove_iova() with __cached_rbnode_delete_update(). */
  remove(node: IovaNode): void {
    const next = this.#nodes.next(node) ?? this.#anchor
    const c32 = this.#cached32
    if (node === c32 || (node.hi < this.dma32bitPfn && node.lo >= c32.lo)) this.#cached32 = next
    if (node.lo < this.dma32bitPfn) this.max32AllocSize = this.dma32bitPfn
    const c = this.#cached
    if (node.lo >= c.lo) this.#cached = next
    this.#nodes.remove(node)
  }

  /** free_iova(): find by pfn and remove; false when nothing is there. */
  freePfn(pfn: number): boolean {
    const node = this.find(pfn)
    if (node === undefined) return false
    this.remove(node)
    return true
  }

  /** reserve_iova(): merge with overlapping reserved nodes, else insert (cached nodes untouched). */
  reserve(pfnLo: number, pfnHi: number): void {
    let overlap = false
    for (const n of this.#nodes) {
      if (n === this.#anchor) break
      if (pfnLo <= n.hi && pfnHi >= n.lo) {
        if (pfnLo < n.lo) n.lo = pfnLo
        if (pfnHi > n.hi) pfnLo = n.hi + 1
        if (pfnLo >= n.lo && pfnHi <= n.hi) return
        overlap = true
      } else if (overlap) break
    }
    this.#nodes.insert({ lo: pfnLo, hi: pfnHi, reserved: true })
  }

  get nodeCount(): number {
    return this.#nodes.size - 1
  }
}
