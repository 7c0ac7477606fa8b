/**
 * What a transaction allocated, recorded where the kernel allocates it:
 * IOVA ranges as the domain reserves them (alloc_iova_fast(),
 * drivers/iommu/iova.c, with its power-of-two rounding), and swiotlb slots
 * with the original memory they bounce (swiotlb_tbl_map_single(),
 * kernel/dma/swiotlb.c). The runner points Stats.allocations at the running
 * transaction's record, as it does its counters.
 *
 * A per-page loop allocates run after run; an allocation that continues the
 * last one extends it, so the record grows with the runs a transaction maps,
 * not with its pages.
 */
import { IO_TLB_SIZE } from './consts.js'

const SLOT = BigInt(IO_TLB_SIZE)

export interface IovaAllocation {
  start: bigint
  len: bigint
  /** The kernel call (Trace seq) that made the first allocation of the run. */
  readonly seq: number
}

export interface SlotAllocation {
  /** Index of the first slot in the pool, and how many. */
  slot: number
  slots: number
  /** The bounce address of the original's first byte (the first slot's, plus the original's offset in its slot). */
  addr: bigint
  /** The original memory the slots bounce, and how many bytes of it. */
  orig: bigint
  size: bigint
  readonly seq: number
}

export class Allocations {
  readonly iova: IovaAllocation[] = []
  readonly slots: SlotAllocation[] = []
  readonly #seq: () => number

  /** seq(): the Trace seq of the call being made (records come after a call returns). */
  constructor(seq: () => number) {
    this.#seq = seq
  }

  addIova(start: bigint, len: bigint): void {
    const last = this.iova[this.iova.length - 1]
    // The allocator works top-down (docs/kernel-behaviour.md, K-R20), so a loop's next range usually sits just below the last.
    if (last !== undefined && start + len === last.start) {
      last.start = start
      last.len += len
    } else if (last !== undefined && last.start + last.len === start) last.len += len
    else this.iova.push({ start, len, seq: this.#seq() })
  }

  addSlots(slot: number, slots: number, addr: bigint, orig: bigint, size: bigint): void {
    const last = this.slots[this.slots.length - 1]
    // A run continues only where the last one filled its slots: then slots and original are both contiguous.
    const full = last !== undefined && last.size === BigInt(last.slots) * SLOT
    if (last !== undefined && full && last.slot + last.slots === slot && last.addr + last.size === addr && last.orig + last.size === orig) {
      last.slots += slots
      last.size += size
    } else this.slots.push({ slot, slots, addr, orig, size, seq: this.#seq() })
  }
}
