/**
 * The software IO TLB (kernel/dma/swiotlb.c, K-S1 to K-S12): a pool of 2 KiB
 * slots grouped in 128-slot segments, searched next-fit from the area's
 * index with the same alignment, min_align_mask and segment-boundary rules,
 * and the copies at map, sync and unmap.
 *
 * One CPU, so one area. Slot bookkeeping mirrors struct io_tlb_slot
 * (list, orig_addr, alloc_size, pad_slots) in typed arrays.
 */
import { hex } from '../addr.js'
import {
  DMA_BIDIRECTIONAL,
  DMA_FROM_DEVICE,
  DMA_MAPPING_ERROR,
  DMA_TO_DEVICE,
  IO_TLB_SEGSIZE,
  IO_TLB_SHIFT,
  IO_TLB_SIZE,
  NO_WARN,
  PAGE_SIZE,
  SKIP_CPU_SYNC,
} from '../consts.js'
import type { DmaDir } from '../consts.js'
import type { EnvCore } from './env-core.js'
import { C } from '../stats.js'

const INVALID = -1

export class Swiotlb {
  readonly start: bigint
  readonly end: bigint
  readonly nslabs: number
  readonly #list: Int32Array
  readonly #orig: Float64Array
  readonly #allocSize: Float64Array
  readonly #pad: Uint16Array
  #index = 0
  used = 0
  /** Slots the fault injector took away (swiotlb full). */
  stolen = 0

  constructor(start: bigint, nslabs: number) {
    this.start = start
    this.nslabs = nslabs
    this.end = start + BigInt(nslabs) * BigInt(IO_TLB_SIZE)
    this.#list = new Int32Array(nslabs)
    this.#orig = new Float64Array(nslabs).fill(INVALID)
    this.#allocSize = new Float64Array(nslabs)
    this.#pad = new Uint16Array(nslabs)
    for (let i = 0; i < nslabs; i++) this.#list[i] = Math.min(IO_TLB_SEGSIZE - (i % IO_TLB_SEGSIZE), nslabs - i)
  }

  /** Fault injection: every slot is taken by someone else. */
  fill(): void {
    this.#list.fill(0)
    this.used = this.nslabs
    this.stolen = this.nslabs
  }

  isBuffer(phys: bigint): boolean {
    return phys >= this.start && phys < this.end
  }

  /** Slots in use by mappings (not counting what fault injection took). */
  get mappedSlots(): number {
    return this.used - this.stolen
  }

  /** swiotlb_align_offset(). */
  static alignOffset(env: EnvCore, alignMask: number, addr: bigint): number {
    return Number(addr & BigInt(env.dev.minAlignMask) & BigInt(alignMask | (IO_TLB_SIZE - 1)))
  }

  /** swiotlb_search_pool_area() for the single area. Returns the slot index or -1. */
  #search(env: EnvCore, orig: bigint, allocSize: number, allocAlignMask: number): number {
    const boundaryMask = env.dev.segBoundary
    const tblDmaAddr = this.start & boundaryMask
    const maxSlots = (boundaryMask >> BigInt(IO_TLB_SHIFT)) + 1n
    let iotlbAlignMask = env.dev.minAlignMask
    const nslots = Math.ceil(allocSize / IO_TLB_SIZE)
    const offset = Swiotlb.alignOffset(env, 0, orig)
    if (!allocAlignMask && !iotlbAlignMask && allocSize >= PAGE_SIZE) allocAlignMask = PAGE_SIZE - 1
    allocAlignMask |= IO_TLB_SIZE - 1
    iotlbAlignMask &= ~allocAlignMask
    const stride = (Math.max(allocAlignMask, iotlbAlignMask) >>> IO_TLB_SHIFT) + 1
    if (nslots > this.nslabs - this.used) return -1
    const tblShift = (tblDmaAddr + BigInt(IO_TLB_SIZE) - 1n) >> BigInt(IO_TLB_SHIFT)
    const wrap = (i: number) => (i >= this.nslabs ? 0 : i)
    let index = this.#index
    for (let checked = 0; checked < this.nslabs;) {
      const slot = index
      const tlbAddr = tblDmaAddr + (BigInt(slot) << BigInt(IO_TLB_SHIFT))
      if ((tlbAddr & BigInt(allocAlignMask)) !== 0n || (orig !== 0n && (tlbAddr & BigInt(iotlbAlignMask)) !== (orig & BigInt(iotlbAlignMask)))) {
        index = wrap(index + 1)
        checked++
        continue
      }
      // iommu_is_span_boundary(): the allocation must not cross the device's segment boundary (K-S5).
      const shift = (tblShift + BigInt(slot)) & (maxSlots - 1n)
      if (shift + BigInt(nslots) <= maxSlots && (this.#list[slot] as number) >= nslots) {
        for (let i = slot; i < slot + nslots; i++) {
          this.#list[i] = 0
          this.#allocSize[i] = allocSize - (offset + (i - slot) * IO_TLB_SIZE)
        }
        let count = 0
        for (let i = slot - 1; i >= 0 && i % IO_TLB_SEGSIZE !== IO_TLB_SEGSIZE - 1 && (this.#list[i] as number) !== 0; i--) this.#list[i] = ++count
        this.#index = wrap(index + nslots)
        this.used += nslots
        env.stats.add(C.bounceSlots, nslots)
        return slot
      }
      index = wrap(index + stride)
      checked += stride
    }
    return -1
  }

  /** swiotlb_tbl_map_single(): bounce address or DMA_MAPPING_ERROR; copies the original in (K-S6). */
  tblMapSingle(env: EnvCore, orig: bigint, mappingSize: number, allocAlignMask: number, dir: DmaDir, attrs: number): bigint {
    let offset = Swiotlb.alignOffset(env, allocAlignMask, orig)
    const size = alignUpInt(mappingSize + offset, allocAlignMask + 1)
    const index0 = size > IO_TLB_SEGSIZE * IO_TLB_SIZE ? -1 : this.#search(env, orig, size, allocAlignMask)
    if (index0 < 0) {
      if (!(attrs & NO_WARN))
        env.reporter.report(
          'S8',
          'error',
          'swiotlb',
          `${env.dev.name} ${env.dev.bdf}: swiotlb buffer is full (sz: ${size} bytes), total ${this.nslabs} (slots), used ${this.used} (slots)`,
        )
      return DMA_MAPPING_ERROR
    }
    // dma_reset_need_sync(): the first bounce makes every later sync and unmap count (K-R44, K-S10).
    env.dev.dmaSkipSync = false
    const padSlots = offset >>> IO_TLB_SHIFT
    offset &= IO_TLB_SIZE - 1
    const index = index0 + padSlots
    this.#pad[index] = padSlots
    const n = Math.ceil(size / IO_TLB_SIZE) - padSlots
    for (let i = 0; i < n; i++) this.#orig[index + i] = Number(orig) + i * IO_TLB_SIZE
    const tlbAddr = this.start + BigInt(index) * BigInt(IO_TLB_SIZE) + BigInt(offset)
    env.stats.allocations?.addSlots(index, n, tlbAddr, orig, BigInt(mappingSize))
    void dir
    this.#bounce(env, tlbAddr, mappingSize, DMA_TO_DEVICE)
    return tlbAddr
  }

  /** swiotlb_bounce(). */
  #bounce(env: EnvCore, tlbAddr: bigint, size: number, dir: DmaDir): void {
    const index = Number((tlbAddr - this.start) >> BigInt(IO_TLB_SHIFT))
    const origSlot = this.#orig[index] as number
    let allocSize = this.#allocSize[index] as number
    if (origSlot === INVALID) return
    const tlbOffset = Number(tlbAddr & BigInt(IO_TLB_SIZE - 1)) - Swiotlb.alignOffset(env, 0, BigInt(origSlot))
    const orig = BigInt(origSlot + tlbOffset)
    allocSize -= tlbOffset
    if (size > allocSize) {
      env.warnOnce('swiotlb-overflow', 'S7', `${env.dev.name} ${env.dev.bdf}: Buffer overflow detected. Allocation size: ${allocSize}. Mapping size: ${size}.`)
      size = Math.max(allocSize, 0)
    }
    if (size === 0) return
    if (dir === DMA_TO_DEVICE) {
      env.cpuWrite(tlbAddr, env.cpuRead(orig, size))
      env.stats.add(C.bounceBytesToDevice, size)
    } else {
      env.cpuWrite(orig, env.cpuRead(tlbAddr, size))
      env.stats.add(C.bounceBytesToCpu, size)
    }
  }

  /** swiotlb_release_slots(). */
  #release(env: EnvCore, tlbAddr: bigint): void {
    const offset = Swiotlb.alignOffset(env, 0, tlbAddr)
    let index = Number((tlbAddr - BigInt(offset) - this.start) >> BigInt(IO_TLB_SHIFT))
    index -= this.#pad[index] as number
    const nslots = Math.ceil(((this.#allocSize[index] as number) + offset) / IO_TLB_SIZE)
    let count = index + nslots < alignUpInt(index + 1, IO_TLB_SEGSIZE) ? (this.#list[index + nslots] as number) : 0
    for (let i = index + nslots - 1; i >= index; i--) {
      this.#list[i] = ++count
      this.#orig[i] = INVALID
      this.#allocSize[i] = 0
      this.#pad[i] = 0
    }
    for (let i = index - 1; i >= 0 && i % IO_TLB_SEGSIZE !== IO_TLB_SEGSIZE - 1 && (this.#list[i] as number) !== 0; i--) this.#list[i] = ++count
    this.used -= nslots
  }

  /** __swiotlb_tbl_unmap_single(): copy back for FROM/BIDI unless SKIP_CPU_SYNC, then free. */
  tblUnmapSingle(env: EnvCore, tlbAddr: bigint, size: number, dir: DmaDir, attrs: number): void {
    if (!(attrs & SKIP_CPU_SYNC) && (dir === DMA_FROM_DEVICE || dir === DMA_BIDIRECTIONAL)) this.#bounce(env, tlbAddr, size, DMA_FROM_DEVICE)
    this.#release(env, tlbAddr)
  }

  syncForDevice(env: EnvCore, tlbAddr: bigint, size: number, dir: DmaDir): void {
    if (dir === DMA_TO_DEVICE || dir === DMA_BIDIRECTIONAL) this.#bounce(env, tlbAddr, size, DMA_TO_DEVICE)
  }

  syncForCpu(env: EnvCore, tlbAddr: bigint, size: number, dir: DmaDir): void {
    if (dir === DMA_FROM_DEVICE || dir === DMA_BIDIRECTIONAL) this.#bounce(env, tlbAddr, size, DMA_FROM_DEVICE)
  }

  /** The original address a bounce slot stands for (for reports). */
  origOf(tlbAddr: bigint): bigint | undefined {
    const index = Number((tlbAddr - this.start) >> BigInt(IO_TLB_SHIFT))
    const o = this.#orig[index]
    return o === undefined || o === INVALID ? undefined : BigInt(o)
  }

  /** swiotlb_max_mapping_size() (K-S2). */
  static maxMappingSize(env: EnvCore): bigint {
    const m = env.dev.minAlignMask
    const minAlign = m ? Math.ceil(m / IO_TLB_SIZE) * IO_TLB_SIZE : 0
    return BigInt(IO_TLB_SIZE * IO_TLB_SEGSIZE - minAlign)
  }

  describe(): string {
    return `swiotlb [mem ${hex(this.start)}-${hex(this.end - 1n)}] (${this.nslabs} slots)`
  }
}

const alignUpInt = (v: number, a: number): number => Math.ceil(v / a) * a
