/**
 * The checks of CONFIG_DMA_API_DEBUG (kernel/dma/debug.c, D1-D22), with the
 * kernel's messages. Entries are kept per (device, DMA address) in the
 * kernel's 16384-bucket hash, looked up best-fit on unmap and by
 * containment on sync, exactly as check_unmap()/check_sync() do, so that
 * the same driver mistake yields the same report (or the same silence).
 *
 * The model runs these checks always and reports what a debug kernel would
 * print; whether the kernel itself was built with debugging (which changes
 * dma_need_unmap() and dma_dev_need_sync()) is SimOptions.dmaApiDebug.
 *
 * Not applicable to plans: D1-D3 (vmalloc, stack and kernel-text memory;
 * plan regions are page-allocator memory).
 *
 * The entries live in DebugEntries (debug-entries.ts), whose per-granule
 * chains give a bucket's entries near one address in bucket order: what
 * check_unmap()'s and check_sync()'s bucket walks find, without walking a
 * bucket that a scatterlist of millions of segments fills with thousands of
 * entries.
 */
import { hex } from '../addr.js'
import {
  ACTIVE_CACHELINE_MAX_OVERLAP,
  DIR_NAME,
  DMA_BIDIRECTIONAL,
  DMA_FROM_DEVICE,
  DMA_MAPPING_ERROR,
  DMA_TO_DEVICE,
  HASH_FN_SHIFT,
  HASH_SIZE,
  FORCE_CONTIGUOUS,
  IGNORE_CACHELINES,
  L1_CACHE_SHIFT,
  MMIO,
  NO_KERNEL_MAPPING,
  PRIVILEGED,
  REQUIRE_COHERENT,
  SKIP_CPU_SYNC,
  U64_MAX,
} from '../consts.js'
import type { DmaDir } from '../consts.js'
import type { Reporter } from '../findings.js'
import { U64Map } from '../u64-map.js'
import { DebugEntries, NIL, bucketOf } from './debug-entries.js'
import type { DebugEntry, DebugType } from './debug-entries.js'
import type { Device } from './device.js'

/** A scatterlist as debug_dma_map_sg() reads it (SgTable). */
export interface SgEntries {
  phys(i: number): bigint
  length(i: number): number
  dmaAddress(i: number): bigint
  dmaLength(i: number): number
}

export interface DebugRef {
  readonly type: DebugType
  readonly devAddr: bigint
  readonly size: bigint
  readonly paddr?: bigint
  readonly dir: DmaDir
  readonly sgCallEnts?: number
  readonly attrs?: number
}

/** What the release's dma-debug checks (kernel-changes.ts). */
export interface DebugRules {
  /** Overlapping cachelines are reported at all: the DMA cache alignment reaches L1_CACHE_BYTES, or the release predates 3d48c9fd78dd. */
  readonly cachelineOverlap: boolean
  /** kmalloc bouncing with an active swiotlb silences the overlap report (03521c892bb8). */
  readonly kmallocBounceExempt: boolean
  /** Unmap must repeat the map's DMA_ATTR_UNMAP_VALID attributes (a34bd60bdaeb). */
  readonly unmapAttrs: boolean
  /** nr_prealloc_entries: the boot parameter dma_debug_entries=, PREALLOC_DMA_DEBUG_ENTRIES without it. */
  readonly preallocEntries?: number
}

/** check_unmap()'s DMA_ATTR_UNMAP_VALID: the attributes a map and its unmap must share. */
const UNMAP_VALID = NO_KERNEL_MAPPING | FORCE_CONTIGUOUS | MMIO | REQUIRE_COHERENT | PRIVILEGED

const PREALLOC_DMA_DEBUG_ENTRIES = 65536
/** PAGE_SIZE / sizeof(struct dma_debug_entry): 128 on x86-64 with a 5-frame stack (____cacheline_aligned_in_smp). */
const DMA_DEBUG_DYNAMIC_ENTRIES = 32

const SHIFT = BigInt(HASH_FN_SHIFT)
/** The distance to the nearest other granule of a bucket: HASH_SIZE - 1 granules. */
const FAR = BigInt(HASH_SIZE - 1) << SHIFT

const h16 = (v: bigint): string => `0x${v.toString(16).padStart(16, '0')}`

export class DmaDebug {
  readonly #entries = new DebugEntries()
  /** Cacheline number -> overlap count (0 = one mapping). */
  readonly #cachelines = new U64Map()
  readonly #reporter: Reporter
  readonly #dev: Device
  readonly #rules: DebugRules
  readonly #prealloc: number
  /** nr_total_entries: dma_debug_init() allocates whole pages of entries. */
  #poolSize: number
  #overlapWarned = false

  /** Whether a DMA address lies in a range the IOVA API linked (dma-debug cannot know, K-R35). */
  isIovaApiAddress: (addr: bigint) => boolean = () => false

  constructor(reporter: Reporter, dev: Device, rules: DebugRules) {
    this.#reporter = reporter
    this.#dev = dev
    this.#rules = rules
    this.#prealloc = rules.preallocEntries ?? PREALLOC_DMA_DEBUG_ENTRIES
    this.#poolSize = Math.ceil(this.#prealloc / DMA_DEBUG_DYNAMIC_ENTRIES) * DMA_DEBUG_DYNAMIC_ENTRIES
  }

  /** nr_total_entries. */
  get poolSize(): number {
    return this.#poolSize
  }

  get liveEntries(): number {
    return this.#entries.count
  }

  /** err_printk() of a check that lives outside this file's entry points. */
  report(id: string, text: string): void {
    this.#err(id, text)
  }

  /** err_printk(): "DMA-API: <driver> <device>: ", the driver as dev_driver_string() has it (the bus's name once unbound). */
  #err(id: string, text: string, driver = this.#dev.name): void {
    this.#reporter.report(id, 'error', 'dma-debug', `DMA-API: ${driver} ${this.#dev.bdf}: ${text}`)
  }

  #add(e: DebugEntry, attrs: number): void {
    const E = this.#entries
    const id = E.add(e)
    // D22: dma_entry_alloc() grows an empty pool by a page of entries, and __dma_entry_alloc_check_leak() shouts at each multiple of the preallocation.
    if (E.count > this.#poolSize) {
      this.#poolSize += DMA_DEBUG_DYNAMIC_ENTRIES
      if (this.#poolSize % this.#prealloc < DMA_DEBUG_DYNAMIC_ENTRIES)
        this.#reporter.report('D22', 'info', 'dma-debug', `DMA-API: dma_debug_entry pool grown to ${this.#poolSize} (${Math.floor(this.#poolSize / this.#prealloc)}00%)`)
    }
    // D6: overlap tracking on the first cacheline; TO_DEVICE mappings are not tracked.
    if (e.dir === DMA_TO_DEVICE) return
    const cln = e.paddr >> BigInt(L1_CACHE_SHIFT)
    const prev = this.#cachelines.get(cln)
    if (prev < 0) {
      this.#cachelines.set(cln, 0)
      return
    }
    const overlap = prev + 1
    this.#cachelines.set(cln, overlap)
    let ignore = e.ignoreCachelines
    if (ignore)
      for (const x of E.ids())
        if (x !== id && E.dir(x) !== DMA_TO_DEVICE && E.paddr(x) >> BigInt(L1_CACHE_SHIFT) === cln && !E.ignoreCachelines(x)) {
          ignore = false
          break
        }
    if (overlap > ACTIVE_CACHELINE_MAX_OVERLAP && !ignore && !this.#overlapWarned) {
      this.#overlapWarned = true
      this.#reporter.report('D6', 'error', 'dma-debug', `DMA-API: exceeded ${ACTIVE_CACHELINE_MAX_OVERLAP} overlapping mappings of cacheline ${hex(cln)}`)
    }
    if (!(attrs & SKIP_CPU_SYNC) && this.#rules.cachelineOverlap && !this.#rules.kmallocBounceExempt && !ignore)
      this.#err('D6', "cacheline tracking EEXIST, overlapping mappings aren't supported")
  }

  #del(id: number): void {
    const E = this.#entries
    if (E.dir(id) !== DMA_TO_DEVICE) {
      const cln = E.paddr(id) >> BigInt(L1_CACHE_SHIFT)
      const v = this.#cachelines.get(cln)
      if (v === 0) this.#cachelines.delete(cln)
      else if (v > 0) this.#cachelines.set(cln, v - 1)
    }
    E.del(id)
  }

  /** __hash_bucket_find(): best fit over the candidates in bucket order, NIL on several imperfect matches. */
  #best(first: number, next: (id: number) => number, ref: DebugRef, match: (id: number) => boolean): number {
    const E = this.#entries
    let ret = NIL
    let matches = 0
    let last = -1
    for (let id = first; id !== NIL; id = next(id)) {
      if (!match(id)) continue
      matches++
      let lvl = 0
      if (E.size(id) === ref.size) lvl++
      if (E.type(id) === ref.type) lvl++
      if (E.dir(id) === ref.dir) lvl++
      if (E.sgCallEnts(id) === (ref.sgCallEnts ?? 0)) lvl++
      if (lvl === 4) return id
      if (lvl > last) {
        last = lvl
        ret = id
      }
    }
    return matches === 1 ? ret : NIL
  }

  /** The next entry in the same granule (a #best() walk). */
  readonly #granuleNext = (id: number): number => this.#entries.granuleNext(id)
  /** The next entry in the same bucket (a #best() walk). */
  readonly #bucketNext = (id: number): number => this.#entries.bucketNext(id)

  /** The first entry at DMA address `devAddr`, in bucket order, that also passes `also`. */
  #firstAt(devAddr: bigint, also: (id: number) => boolean = () => true): number {
    const E = this.#entries
    for (let id = E.inGranule(devAddr >> SHIFT); id !== NIL; id = E.granuleNext(id)) if (E.devAddr(id) === devAddr && also(id)) return id
    return NIL
  }

  /** bucket_find_exact(): the bucket's entries at the address are those of its granule at that address, in the same order. */
  #findExact(ref: DebugRef): number {
    const E = this.#entries
    return this.#best(E.inGranule(ref.devAddr >> SHIFT), this.#granuleNext, ref, (id) => E.devAddr(id) === ref.devAddr)
  }

  /**
   * bucket_find_contain(): walk buckets back from the address. An entry of
   * the bucket of granule g - i that lies in another granule starts at
   * least HASH_SIZE - 1 granules before the address, so while the bucket's
   * entries are all shorter than that, only granule g - i can hold a match,
   * and its chain is the bucket's walk without the entries that cannot.
   */
  #findContain(ref: DebugRef): number {
    const E = this.#entries
    const g = ref.devAddr >> SHIFT
    const limit = Math.min(HASH_SIZE, Number(g) + 1)
    const end = ref.devAddr + ref.size
    const contains = (x: number): boolean => E.devAddr(x) <= ref.devAddr && E.devAddr(x) + E.size(x) >= end
    for (let i = 0n; i < BigInt(limit); i++) {
      const b = bucketOf((g - i) << SHIFT)
      const id = E.maxSize(b) <= FAR ? this.#best(E.inGranule(g - i), this.#granuleNext, ref, contains) : this.#best(E.bucketHead(b), this.#bucketNext, ref, contains)
      if (id !== NIL) return id
    }
    return NIL
  }

  /** debug_dma_map_phys()/map_page()/map_resource(); D7: failed mappings are not recorded. */
  map(type: DebugType, paddr: bigint, devAddr: bigint, size: bigint, dir: DmaDir, attrs: number): void {
    if (devAddr === DMA_MAPPING_ERROR) return
    this.#add(
      {
        type,
        devAddr,
        size,
        paddr,
        dir,
        sgCallEnts: 0,
        sgMappedEnts: 0,
        mapErr: 'not-checked',
        ignoreCachelines: (attrs & (IGNORE_CACHELINES | REQUIRE_COHERENT)) !== 0,
        attrs,
      },
      attrs,
    )
  }

  /** debug_dma_mapping_error(): the first unchecked entry at the address, in bucket order, is marked checked. */
  mappingError(devAddr: bigint): void {
    const id = this.#firstAt(devAddr, (x) => this.#entries.mapErr(x) === 'not-checked')
    if (id !== NIL) this.#entries.setMapErr(id, 'checked')
  }

  /** check_unmap(): D8-D15. */
  unmap(ref: DebugRef): void {
    const id = this.#findExact(ref)
    if (id === NIL) {
      if (ref.devAddr === DMA_MAPPING_ERROR) this.#err('D8', 'device driver tries to free an invalid DMA memory address')
      else this.#err('D9', `device driver tries to free DMA memory it has not allocated [device address=${h16(ref.devAddr)}] [size=${ref.size} bytes]`)
      return
    }
    const e = this.#entries.entry(id)
    if (ref.size !== e.size)
      this.#err(
        'D10',
        `device driver frees DMA memory with different size [device address=${h16(ref.devAddr)}] [map size=${e.size} bytes] [unmap size=${ref.size} bytes]`,
      )
    if (ref.type !== e.type)
      this.#err(
        'D11',
        `device driver frees DMA memory with wrong function [device address=${h16(ref.devAddr)}] [size=${ref.size} bytes] [mapped as ${e.type}] [unmapped as ${ref.type}]`,
      )
    else if ((e.type === 'coherent' || e.type === 'noncoherent') && ref.paddr !== undefined && ref.paddr !== e.paddr)
      this.#err(
        'D12',
        `device driver frees DMA memory with different CPU address [device address=${h16(ref.devAddr)}] [size=${ref.size} bytes] [cpu alloc address=0x${h16(e.paddr)}] [cpu free address=0x${h16(ref.paddr ?? 0n)}]`,
      )
    if (ref.sgCallEnts && ref.type === 'scatter-gather' && ref.sgCallEnts !== e.sgCallEnts)
      this.#err('D13', `device driver frees DMA sg list with different entry count [map count=${e.sgCallEnts}] [unmap count=${ref.sgCallEnts}]`)
    if (ref.dir !== e.dir)
      this.#err(
        'D14',
        `device driver frees DMA memory with different direction [device address=${h16(ref.devAddr)}] [size=${ref.size} bytes] [mapped with ${DIR_NAME[e.dir]}] [unmapped with ${DIR_NAME[ref.dir]}]`,
      )
    if (e.mapErr === 'not-checked')
      this.#err('D15', `device driver failed to check map error[device address=${h16(ref.devAddr)}] [size=${ref.size} bytes] [mapped as ${e.type}]`)
    if (this.#rules.unmapAttrs && ref.attrs !== undefined && (ref.attrs & UNMAP_VALID) !== (e.attrs & UNMAP_VALID))
      this.#err(
        'D23',
        `device driver frees DMA memory with different attributes [device address=${h16(ref.devAddr)}] [size=${ref.size} bytes] [mapped with ${hex(BigInt(e.attrs))}] [unmapped with ${hex(BigInt(ref.attrs))}]`,
      )
    this.#del(id)
  }

  /** debug_dma_map_sg(): one entry per mapped segment, the first `mapped` entries of the list (D4, D5 per segment). */
  mapSg(sgl: SgEntries, mapped: number, nents: number, dir: DmaDir, attrs: number): void {
    const boundary = this.#dev.segBoundary
    const ignoreCachelines = (attrs & (IGNORE_CACHELINES | REQUIRE_COHERENT)) !== 0
    for (let i = 0; i < mapped; i++) {
      const cpuLen = sgl.length(i)
      const dma = sgl.dmaAddress(i)
      const dmaLen = BigInt(sgl.dmaLength(i))
      if (cpuLen > this.#dev.maxSegSize) this.#err('D4', `mapping sg segment longer than device claims to support [len=${cpuLen}] [max=${this.#dev.maxSegSize}]`)
      const end = dma + dmaLen - 1n
      if (((dma ^ end) & ~boundary & U64_MAX) !== 0n)
        this.#err('D5', `mapping sg segment across boundary [start=${h16(dma)}] [end=${h16(end)}] [boundary=${h16(boundary)}]`)
      this.#add(
        { type: 'scatter-gather', devAddr: dma, size: dmaLen, paddr: sgl.phys(i), dir, sgCallEnts: nents, sgMappedEnts: mapped, mapErr: 'none', ignoreCachelines, attrs },
        attrs,
      )
    }
  }

  /** debug_dma_unmap_sg(): the first `count` entries of the list, up to the mapped count recorded at map time. */
  unmapSg(sgl: SgEntries, count: number, nelems: number, dir: DmaDir, attrs: number): void {
    let mapped = 0
    for (let i = 0; i < count; i++) {
      const ref: DebugRef = { type: 'scatter-gather', devAddr: sgl.dmaAddress(i), size: BigInt(sgl.dmaLength(i)), paddr: sgl.phys(i), dir, sgCallEnts: nelems, attrs }
      if (mapped && i >= mapped) break
      if (i === 0) {
        const id = this.#findExact(ref)
        mapped = id === NIL ? 0 : this.#entries.sgMappedEnts(id)
      }
      this.unmap(ref)
    }
  }

  /** check_sync(): D16-D20. */
  sync(ref: DebugRef, toCpu: boolean): void {
    const id = this.#findContain(ref)
    if (id === NIL) {
      const text = `DMA-API: ${this.#dev.name} ${this.#dev.bdf}: device driver tries to sync DMA memory it has not allocated [device address=${h16(ref.devAddr)}] [size=${ref.size} bytes]`
      // dma-debug does not know IOVA-API ranges: a debug kernel prints this for a correct sync (K-R35).
      if (this.isIovaApiAddress(ref.devAddr))
        this.#reporter.report('D16', 'warning', 'dma-debug', `${text} (false positive: the range was linked with the IOVA API, which dma-debug does not track)`)
      else this.#reporter.report('D16', 'error', 'dma-debug', text)
      return
    }
    const e = this.#entries.entry(id)
    if (ref.size > e.size)
      this.#err(
        'D17',
        `device driver syncs DMA memory outside allocated range [device address=${h16(e.devAddr)}] [allocation size=${e.size} bytes] [sync offset+size=${ref.size}]`,
      )
    if (e.dir === DMA_BIDIRECTIONAL) return
    if (ref.dir !== e.dir)
      this.#err(
        'D18',
        `device driver syncs DMA memory with different direction [device address=${h16(ref.devAddr)}] [size=${e.size} bytes] [mapped with ${DIR_NAME[e.dir]}] [synced with ${DIR_NAME[ref.dir]}]`,
      )
    if (toCpu && e.dir !== DMA_FROM_DEVICE && ref.dir !== DMA_TO_DEVICE)
      this.#err(
        'D19',
        `device driver syncs device read-only DMA memory for cpu [device address=${h16(ref.devAddr)}] [size=${e.size} bytes] [mapped with ${DIR_NAME[e.dir]}] [synced with ${DIR_NAME[ref.dir]}]`,
      )
    if (!toCpu && e.dir !== DMA_TO_DEVICE && ref.dir !== DMA_FROM_DEVICE)
      this.#err(
        'D19',
        `device driver syncs device write-only DMA memory to device [device address=${h16(ref.devAddr)}] [size=${e.size} bytes] [mapped with ${DIR_NAME[e.dir]}] [synced with ${DIR_NAME[ref.dir]}]`,
      )
    if (ref.sgCallEnts && ref.type === 'scatter-gather' && ref.sgCallEnts !== e.sgCallEnts)
      this.#err('D20', `device driver syncs DMA sg list with different entry count [map count=${e.sgCallEnts}] [sync count=${ref.sgCallEnts}]`)
  }

  /** debug_dma_alloc_coherent(). */
  allocCoherent(paddr: bigint, devAddr: bigint, size: bigint): void {
    if (devAddr === DMA_MAPPING_ERROR) return
    this.#add({ type: 'coherent', devAddr, size, paddr, dir: DMA_BIDIRECTIONAL, sgCallEnts: 0, sgMappedEnts: 0, mapErr: 'none', ignoreCachelines: false, attrs: 0 }, 0)
  }

  /** Forget entries whose unmap the driver may skip (dma_need_unmap() said false on a non-debug kernel). */
  forget(devAddr: bigint): void {
    const exact = this.#findExact({ type: 'phy', devAddr, size: 0n, dir: 0 })
    const id = exact === NIL ? this.#firstAt(devAddr) : exact
    if (id !== NIL) this.#del(id)
  }

  /** dma_debug_device_change(BUS_NOTIFY_UNBOUND_DRIVER): D21, naming the entry device_dma_allocations() saw last (the hash walked bucket by bucket). */
  release(): void {
    const count = this.#entries.count
    const last = this.#entries.last()
    if (last === NIL) return
    const e = this.#entries.entry(last)
    this.#err(
      'D21',
      `device driver has pending DMA allocations while released from device [count=${count}]\nOne of leaked entries details: [device address=${h16(e.devAddr)}] [size=${e.size} bytes] [mapped with ${DIR_NAME[e.dir]}] [mapped as ${e.type}]`,
      // The bus notifier runs after the driver is gone: dev_driver_string() falls back to the bus, "pci".
      'pci',
    )
  }
}
