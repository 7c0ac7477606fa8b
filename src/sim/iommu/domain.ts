/**
 * An IOMMU DMA domain: the IOVA allocator with its caches, the page table
 * and IOTLB, and the flush queue when the domain is lazy (IOMMU_DOMAIN_DMA_FQ).
 * These are the iommu_* services dma-iommu.c builds on; the checks an IOMMU
 * driver makes (alignment to the smallest page size, no remapping of a
 * present entry) are here too.
 */
import { hex } from '../addr.js'
import { ERRNO, X86_MSI_RESV_END, X86_MSI_RESV_START } from '../consts.js'
import type { Clock } from '../clock.js'
import type { Stats } from '../stats.js'
import { FlushQueue } from './flush-queue.js'
import { IoPageTable } from './io-pgtable.js'
import { IovaDomain } from './iova.js'
import { IovaCaches } from './iova-rcache.js'
import { C } from '../stats.js'

export interface DomainConfig {
  readonly granule: number
  /** Input address width: geometry.aperture_end = 2^width - 1 (force_aperture). */
  readonly addressWidth: number
  readonly lazy: boolean
  /** The flush queue's timer runs where a trace saw it (FlushQueue.timeout()), not on the clock. */
  readonly observedFqTimer?: boolean
  /** Bus-address ranges reserved in the IOVA space (host-bridge windows, K-R22). */
  readonly reserved: readonly { start: bigint; end: bigint }[]
  /**
   * A map over a present entry: VT-d on the generic page table (6.19,
   * vtd-generic-pt) refuses the whole map with -EADDRINUSE; before,
   * __domain_mapping() complained of each such entry (onRemap), kept it,
   * mapped the others and returned 0; arm64's io-pgtable-arm refuses it
   * with -EEXIST (arm_lpae_init_pte()).
   */
  readonly remapPresent: 'eaddrinuse' | 'eexist' | 'keep'
  /** The kernel's words for an entry kept by 'keep': the IOVA, the entry's frame and protection, the frame and protection asked for. */
  readonly onRemap?: (iovaPfn: number, old: { physPfn: number; prot: number }, physPfn: number, prot: number) => void
}

export class IommuDomain {
  readonly granule: number
  readonly shift: number
  readonly gMask: bigint
  readonly apertureEnd: bigint
  readonly iovad: IovaDomain
  readonly caches: IovaCaches
  readonly pgtable = new IoPageTable()
  readonly fq: FlushQueue | undefined
  readonly #stats: Stats
  readonly #remapPresent: DomainConfig['remapPresent']
  readonly #onRemap: DomainConfig['onRemap']

  constructor(cfg: DomainConfig, clock: Clock, stats: Stats) {
    this.granule = cfg.granule
    this.shift = Math.log2(cfg.granule)
    this.gMask = BigInt(cfg.granule - 1)
    this.apertureEnd = (1n << BigInt(cfg.addressWidth)) - 1n
    this.#stats = stats
    this.#remapPresent = cfg.remapPresent
    this.#onRemap = cfg.onRemap
    // iommu_dma_init_domain(): base_pfn = max(1, aperture_start >> order) = 1.
    this.iovad = new IovaDomain(cfg.granule, 1)
    this.caches = new IovaCaches(this.iovad, clock)
    this.fq = cfg.lazy
      ? new FlushQueue(
          clock,
          () => this.flushIotlbAll(),
          (pfn, pages) => this.caches.freeFast(pfn, pages),
          cfg.observedFqTimer === true,
        )
      : undefined
    // iova_reserve_iommu_regions(): host-bridge windows, then the IOMMU's reserved regions.
    for (const r of cfg.reserved) this.iovad.reserve(this.pfn(r.start), this.pfn(r.end - 1n))
    this.iovad.reserve(this.pfn(X86_MSI_RESV_START), this.pfn(X86_MSI_RESV_END))
  }

  /** The kernel's IOVA for the next allocation, where a trace leaves the order of calls in doubt (ObservedMap.interrupted). */
  iovaHint: number | undefined
  /** Called when an allocation took the kernel's IOVA where the model's caches would have given another (0: the tree). */
  hintTaken: ((pfn: number, natural: number) => void) | undefined
  /**
   * The kernel's IOVA for the next allocation of a map a trace observed:
   * taken from the flush queue where an unmap inside a run of its timer
   * queued it (UnmapStep.inFqTimer), since the kernel's reuse shows that
   * run freed it. Other maps of a trace are predicted, never told.
   */
  observedPfn: number | undefined
  /** Called when an allocation took an IOVA the flush queue's timer run freed (observedPfn); natural is what the model would give. */
  freedInTimerRun: ((pfn: number, natural: number) => void) | undefined

  pfn(addr: bigint): number {
    return Number(addr >> BigInt(this.shift))
  }

  addr(pfn: number): bigint {
    return BigInt(pfn) << BigInt(this.shift)
  }

  offset(addr: bigint): bigint {
    return addr & this.gMask
  }

  align(size: bigint): bigint {
    return (size + this.gMask) & ~this.gMask
  }

  /** Allocate size granules below limitPfn (inclusive); 0 on failure. Counts granules actually taken. */
  allocIova(size: number, limitPfn: number, flushRcache: boolean): number {
    const hint = this.iovaHint
    this.iovaHint = undefined
    const seen = this.observedPfn
    this.observedPfn = undefined
    if (seen !== undefined && seen <= limitPfn && this.fq?.takeFreedInTimerRun(seen, size) === true) {
      this.freedInTimerRun?.(seen, this.caches.peekCached(size, limitPfn))
      this.#taken(size, seen)
      return seen
    }
    const natural = hint === undefined ? 0 : this.caches.peekCached(size, limitPfn)
    const taken =
      hint !== undefined &&
      hint !== natural &&
      hint <= limitPfn &&
      (this.caches.takeCached(hint, size) || (natural !== 0 && this.caches.takeFromTree(hint, size, limitPfn)))
    if (taken) this.hintTaken?.(hint, natural)
    const pfn = taken && hint !== undefined ? hint : this.caches.allocFast(size, limitPfn, flushRcache)
    if (pfn) this.#taken(size, pfn)
    return pfn
  }

  #taken(size: number, pfn: number): void {
    const granules = allocatedGranules(size)
    this.#stats.add(C.iovaPages, granules)
    this.#stats.allocations?.addIova(BigInt(pfn) << BigInt(this.shift), BigInt(granules) << BigInt(this.shift))
    this.liveGranules += granules
    if (this.liveGranules > this.peakGranules) this.peakGranules = this.liveGranules
  }

  /** IOVA granules held by mappings now (not by the caches or the flush queue), and the most at once. */
  liveGranules = 0
  peakGranules = 0

  /** iommu_dma_free_iova(): through the flush queue when the unmap was queued. */
  freeIova(pfn: number, pages: number, queued: boolean): void {
    this.liveGranules -= allocatedGranules(pages)
    if (queued && this.fq !== undefined) this.fq.queue(pfn, pages)
    else this.caches.freeFast(pfn, pages)
  }

  /**
   * iommu_map() / iommu_map_nosync(): returns 0 or -errno. Misaligned
   * arguments are refused like the IOMMU core does (-EINVAL); a map over a
   * present entry as DomainConfig.remapPresent says.
   */
  map(iova: bigint, phys: bigint, size: bigint, prot: number, nosync: boolean): number {
    if (((iova | phys | size) & this.gMask) !== 0n || size === 0n) return -ERRNO.EINVAL
    if (iova + size - 1n > this.apertureEnd) return -ERRNO.EINVAL
    return this.mapPfn(this.pfn(iova), this.pfn(phys), Number(size >> BigInt(this.shift)), prot, nosync)
  }

  /** iommu_map by frame numbers, for callers that already work in granules (HMM, the IOVA API). */
  mapPfn(iovaPfn: number, physPfn: number, n: number, prot: number, nosync: boolean): number {
    const present = this.pgtable.firstPresent(iovaPfn, n)
    if (present >= 0 && this.#remapPresent === 'eaddrinuse') return -ERRNO.EADDRINUSE
    if (present >= 0 && this.#remapPresent === 'eexist') return -ERRNO.EEXIST
    let written = n
    if (present >= 0) written = this.#mapAround(iovaPfn, physPfn, n, prot, nosync)
    else this.pgtable.map(iovaPfn, physPfn, n, prot, nosync)
    this.#stats.add(C.pteWrites, written)
    if (!nosync) this.#stats.add(C.syncMaps, 1)
    return 0
  }

  /** __domain_mapping() before 6.19: each present entry is kept (and complained of), the others written; returns how many were. */
  #mapAround(iovaPfn: number, physPfn: number, n: number, prot: number, nosync: boolean): number {
    let written = 0
    for (let i = 0; i < n; i++) {
      const t = this.pgtable.translate(iovaPfn + i)
      if (t !== undefined && !t.stale) this.#onRemap?.(iovaPfn + i, t, physPfn + i, prot)
      else {
        this.pgtable.map(iovaPfn + i, physPfn + i, 1, prot, nosync)
        written++
      }
    }
    return written
  }

  /** iommu_sync_map(). */
  syncMap(iova: bigint, size: bigint): void {
    this.pgtable.syncMap(this.pfn(iova), Number(this.align(size) >> BigInt(this.shift)))
    this.#stats.add(C.syncMaps, 1)
  }

  /**
   * iommu_unmap_fast() (+ iommu_iotlb_sync unless queued): returns the
   * bytes that were mapped. Queued unmaps leave stale IOTLB entries.
   */
  unmap(iova: bigint, size: bigint, queued: boolean): bigint {
    const n = Number(this.align(size) >> BigInt(this.shift))
    const cleared = this.pgtable.unmap(this.pfn(iova), n, queued && this.fq !== undefined)
    this.#stats.add(C.pteWrites, cleared)
    if (!queued || this.fq === undefined) this.#stats.add(C.iotlbSyncs, 1)
    return BigInt(cleared) << BigInt(this.shift)
  }

  /** iommu_iova_to_phys(): 0 when nothing is mapped (what the kernel returns). */
  iovaToPhys(iova: bigint): bigint {
    const t = this.pgtable.translate(this.pfn(iova))
    if (t === undefined || t.stale) return 0n
    return this.addr(t.physPfn) + this.offset(iova)
  }

  /** flush_iotlb_all(). */
  flushIotlbAll(): void {
    this.pgtable.flushAll()
    this.#stats.add(C.iotlbFlushAll, 1)
  }

  describe(): string {
    return `${this.fq ? 'lazy' : 'strict'} DMA domain, granule ${hex(this.granule)}, aperture ..${hex(this.apertureEnd)}`
  }
}

/** What alloc_iova_fast() takes for a size: a power of two below the caches' largest size (iova.c). */
function allocatedGranules(size: number): number {
  return size < 32 ? 2 ** Math.ceil(Math.log2(size)) : size
}
