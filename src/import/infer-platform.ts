/**
 * The set-up a trace was recorded on, when `--platform` does not say, read
 * from the DMA addresses the kernel gave for single mappings:
 *
 * - dma-direct gives the buffer's physical address (no IOMMU, or an
 *   identity domain: the same addresses, so the trace cannot tell them
 *   apart, and `none` stands for both);
 * - an IOMMU's IOVA keeps the buffer's offset in its 4 KiB page
 *   (iommu_dma_map_phys(): iova + iova_offset());
 * - swiotlb's slot does not (a slot starts on 2 KiB, with only the device's
 *   min_align_mask bits of the offset kept: swiotlb_align_offset());
 * - behind an IOMMU, a strict domain gives an unmapped IOVA back at once (a
 *   map of its size right after gets it), a lazy one only when its flush
 *   queue's timer has run, 12 to 16 ms later, or after 255 queued unmaps;
 *   the fq_flush probe shows that timer run, and only a lazy domain has one.
 */
import type { PlatformName } from './platforms.js'
import { IOVA_DEFAULT_FQ_SIZE, IOVA_DEFAULT_FQ_TIMEOUT_MS, JIFFY_MS, msecsToJiffies, PAGE_SIZE_N } from '../plan/kernel-consts.js'

/** The bits of an address within its page (~PAGE_MASK). */
const IN_PAGE = PAGE_SIZE_N - 1n

/**
 * Lazy reuse cannot come sooner than this after the unmap, unless the flush
 * queue filled (ms): its timer, armed for 3 jiffies, may fire 2 whole
 * jiffies later.
 */
const LAZY_EARLIEST_MS = (msecsToJiffies(IOVA_DEFAULT_FQ_TIMEOUT_MS) - 1) * JIFFY_MS
/** The flush queue's ring holds IOVA_DEFAULT_FQ_SIZE - 1 IOVAs: more unmaps in between may have flushed it. */
const FQ_RING = IOVA_DEFAULT_FQ_SIZE - 1
/** How soon after an unmap's event a map in a deeper interrupt may have come inside the unmap's call (ms). */
const INSIDE_MS = 0.5
/** Unmapped IOVAs remembered for reuse (a bound on memory, not on the trace). */
const REMEMBERED = 1 << 16

export interface InferredPlatform {
  readonly name: PlatformName
  /** Why, in one clause. */
  readonly why: string
}

export class PlatformEvidence {
  #identity = 0
  #keepsOffset = 0
  #slotAligned = 0
  #unmaps = 0
  /** IOVAs unmapped, with when and how many unmaps the trace had then. */
  readonly #freed = new Map<bigint, { readonly at: number; readonly unmaps: number; readonly line: number }>()
  #quickReuse: { readonly line: number; readonly ms: number } | undefined
  /** The last single-page IOVA unmapped; a single-page map soon after that gets a new one is a lazy domain's. */
  #lastFreedPage: { readonly page: bigint; readonly at: number; readonly unmaps: number; readonly line: number; readonly irq: number } | undefined
  #missedReuse: { readonly line: number; readonly freedAt: number; readonly ms: number } | undefined
  #fqTimer = false

  /** A single mapping; `irq` its interrupt level, `interrupted` when an interrupt's events came right before it (so its IOVA may predate them). */
  map(dma: bigint, phys: bigint, size: bigint, ms: number, line: number, irq: number, interrupted: boolean): void {
    if (dma === phys) this.#identity++
    else if ((dma & IN_PAGE) === (phys & IN_PAGE)) this.#keepsOffset++
    else if ((dma & 0x7ffn) === 0n) this.#slotAligned++
    const page = dma & ~IN_PAGE
    const freed = this.#freed.get(page)
    if (freed !== undefined && this.#quickReuse === undefined && ms - freed.at < LAZY_EARLIEST_MS && this.#unmaps - freed.unmaps < FQ_RING) this.#quickReuse = { line, ms: ms - freed.at }
    const last = this.#lastFreedPage
    // Not where one call may have run inside the other (a map begun before the unmap's IOVA was freed gets another one in a strict domain too).
    const inside = last !== undefined && (interrupted || (irq > last.irq && ms - last.at < INSIDE_MS))
    if (onePage(dma, size) && last !== undefined && !inside && freed === undefined && this.#missedReuse === undefined && ms - last.at < LAZY_EARLIEST_MS && this.#unmaps - last.unmaps < FQ_RING && dma !== phys)
      this.#missedReuse = { line, freedAt: last.line, ms: ms - last.at }
    this.#freed.delete(page)
    if (last?.page === page) this.#lastFreedPage = undefined
  }

  unmap(dma: bigint, size: bigint, ms: number, line: number, irq: number): void {
    this.#unmaps++
    if (this.#freed.size < REMEMBERED) this.#freed.set(dma & ~IN_PAGE, { at: ms, unmaps: this.#unmaps, line })
    if (onePage(dma, size)) this.#lastFreedPage = { page: dma & ~IN_PAGE, at: ms, unmaps: this.#unmaps, line, irq }
  }

  /** Another allocation of IOVA space (a coherent buffer, a scatterlist, an IOVA state): it may have taken the IOVA last freed. */
  allocated(): void {
    this.#lastFreedPage = undefined
  }

  /** The flush queue's timer ran (the fq_flush probe). */
  fqTimer(): void {
    this.#fqTimer = true
  }

  conclude(): InferredPlatform | undefined {
    const translated = this.#keepsOffset + this.#slotAligned
    if (this.#identity + translated === 0) return this.#fqTimer ? { name: 'vtd-lazy', why: 'the flush queue\'s timer ran (fq_flush), which only a lazy IOMMU domain has' } : undefined
    if (this.#keepsOffset > this.#slotAligned && this.#keepsOffset >= this.#identity) {
      if (this.#fqTimer) return { name: 'vtd-lazy', why: "the DMA addresses are IOVAs (each keeps its buffer's offset in the page), and the flush queue's timer ran (fq_flush)" }
      if (this.#missedReuse !== undefined)
        return {
          name: 'vtd-lazy',
          why: `the DMA addresses are IOVAs (each keeps its buffer's offset in the page), and line ${this.#missedReuse.line} got a new one ${this.#missedReuse.ms.toFixed(3)} ms after line ${this.#missedReuse.freedAt} freed one of its size, which a strict domain would have given back`,
        }
      if (this.#quickReuse !== undefined)
        return { name: 'vtd-strict', why: `the DMA addresses are IOVAs (each keeps its buffer's offset in the page), and line ${this.#quickReuse.line} reuses one ${this.#quickReuse.ms.toFixed(3)} ms after its unmap, as a strict domain does` }
      return { name: 'vtd-strict', why: "the DMA addresses are IOVAs (each keeps its buffer's offset in the page); no map follows an unmap closely enough to tell a strict domain from a lazy one, and strict is assumed" }
    }
    if (this.#slotAligned > 0) return { name: 'bounce', why: `${this.#slotAligned} mapping(s) got an address on a 2 KiB swiotlb slot rather than their buffer's` }
    return { name: 'none', why: "every DMA address is its buffer's physical address (dma-direct: no IOMMU, or an identity domain, which a trace cannot tell apart)" }
  }
}

/** A mapping within one 4 KiB page: the IOVA allocator's smallest size, whose cache a single-page unmap fills. */
function onePage(dma: bigint, size: bigint): boolean {
  return (dma & IN_PAGE) + size <= PAGE_SIZE_N
}
