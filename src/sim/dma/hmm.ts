/**
 * HMM DMA mapping (mm/hmm.c hmm_dma_map_alloc(), hmm_dma_map_pfn(),
 * include/linux/hmm-dma.h):
 * a pre-allocated IOVA range (or per-page dma_map_phys) with one entry per
 * mirrored page, linked and synced page by page as faults arrive; P2P pages
 * through the host bridge share the IOVA window with DMA_ATTR_MMIO,
 * switch-local P2P pages use bus addresses and never consume IOVA.
 *
 * State per entry is typed arrays: pfn (8 bytes) and flags (1 byte); the
 * dma_list only exists without an IOVA when dma_need_unmap() says so.
 */
import {
  DMA_BIDIRECTIONAL,
  DMA_MAPPING_ERROR,
  ERRNO,
  IOMMU_CACHE,
  IOMMU_READ,
  IOMMU_WRITE,
  MMIO,
  PAGE_SIZE,
  PAGE_SIZE_N,
  REQUIRE_COHERENT,
  SKIP_CPU_SYNC,
  errnoName,
} from '../consts.js'
import type { DmaApi } from './api.js'
import type { Env } from './env.js'
import type { IovaTracker } from './iova-tracker.js'
import * as iova from './iova-api.js'
import type { DmaIovaState } from './iova-api.js'
import * as m from './mapping.js'
import { KernelBug } from './mapping.js'
import { C } from '../stats.js'
import type { P2pState } from './p2pdma.js'
import { unreachable } from '../../plan/unreachable.js'

export const HMM_PFN_VALID = 1 << 0
export const HMM_PFN_DMA_MAPPED = 1 << 1
export const HMM_PFN_P2PDMA = 1 << 2
export const HMM_PFN_P2PDMA_BUS = 1 << 3

export interface HmmDmaMap {
  readonly state: DmaIovaState
  /** Physical frame of each entry (what hmm_range_fault() put in pfn_list). */
  readonly pfns: Float64Array
  readonly flags: Uint8Array
  /** DMA address per entry when there is no IOVA and unmaps are needed (hi/lo words). */
  readonly dmaList: { hi: Uint32Array; lo: Uint32Array } | undefined
  readonly entrySize: number
  readonly nr: number
}

export class Hmm {
  readonly #api: DmaApi

  constructor(api: DmaApi) {
    this.#api = api
  }

  /** hmm_dma_map_alloc(). Returns 0 or -errno and the map. */
  hmm_dma_map_alloc(nr: number, entrySize: number): { err: number; map?: HmmDmaMap } {
    const env = this.#api.env
    const t = env.trace
    const args = { nr_entries: nr, dma_entry_size: entrySize }
    if (t.shouldFail()) {
      t.record('hmm_dma_map_alloc', args, -ERRNO.ENOMEM, { errno: '-ENOMEM', injected: true })
      return { err: -ERRNO.ENOMEM }
    }
    let err = 0
    if (Math.floor((nr * PAGE_SIZE) / entrySize) === 0) {
      env.warnOnce('hmm-entries', 'R5', `WARNING: hmm_dma_map_alloc: ${env.dev.name} ${env.dev.bdf}: no entries`)
      err = -ERRNO.EINVAL
    } else if (!env.dev.dmaSkipSync || m.addressingLimited(env)) err = -ERRNO.EOPNOTSUPP
    if (err) {
      t.record('hmm_dma_map_alloc', args, err, { errno: errnoName(err) })
      return { err }
    }
    const state = iova.newIovaState()
    const useIova = iova.iovaTryAlloc(env, this.#api.tracker, state, 0n, BigInt(entrySize) * BigInt(nr))
    const needList = !useIova && m.needUnmap(env)
    const map: HmmDmaMap = {
      state,
      pfns: new Float64Array(nr),
      flags: new Uint8Array(nr),
      dmaList: needList ? { hi: new Uint32Array(nr), lo: new Uint32Array(nr) } : undefined,
      entrySize,
      nr,
    }
    // Whether hmm_dma_unmap_pfn() will dma_unmap_phys() each page: only with a dma_list.
    t.record('hmm_dma_map_alloc', useIova ? { ...args, 'state.addr': state.addr } : { ...args, dma_list: needList }, 0)
    return { err: 0, map }
  }

  /** hmm_range_fault() filled entries [from, from + n) with consecutive frames from firstPfn. */
  setPfnRange(map: HmmDmaMap, from: number, firstPfn: number, n: number): void {
    const pfns = map.pfns
    const flags = map.flags
    for (let j = 0; j < n; j++) {
      pfns[from + j] = firstPfn + j
      flags[from + j] = (flags[from + j] as number) | HMM_PFN_VALID
    }
  }

  /** hmm_range_fault() filled entry idx: a valid page at a physical frame. */
  setPfn(map: HmmDmaMap, idx: number, physPfn: number): void {
    map.pfns[idx] = physPfn
    map.flags[idx] = (map.flags[idx] as number) | HMM_PFN_VALID
  }

  /** hmm_dma_map_pfn(): the DMA address of entry idx, or DMA_MAPPING_ERROR. */
  hmm_dma_map_pfn(map: HmmDmaMap, idx: number, p2p: P2pState): bigint {
    const env = this.#api.env
    const t = env.trace
    if (t.shouldFail()) {
      t.loop('hmm_dma_map_pfn', { idx }, DMA_MAPPING_ERROR, { injected: true })
      map.flags[idx] = (map.flags[idx] as number) & ~HMM_PFN_P2PDMA
      return DMA_MAPPING_ERROR
    }
    const ret = this.#mapPfn(map, idx, p2p)
    t.loop('hmm_dma_map_pfn', { idx }, ret, ret === DMA_MAPPING_ERROR ? { errno: 'DMA_MAPPING_ERROR' } : undefined)
    return ret
  }

  /** hmm_dma_map_pfn() without recording (the caller records its loop). */
  mapPfnQuiet(map: HmmDmaMap, idx: number, p2p: P2pState): bigint {
    return this.#mapPfn(map, idx, p2p)
  }

  #mapPfn(map: HmmDmaMap, idx: number, p2p: P2pState): bigint {
    const env = this.#api.env
    const st = map.state
    const useIova = iova.dmaUseIova(st)
    const flags = map.flags[idx] as number
    const offset = idx * map.entrySize
    let attrs = env.has('hmm-require-coherent') ? REQUIRE_COHERENT : 0
    if (flags & HMM_PFN_DMA_MAPPED && !(flags & HMM_PFN_P2PDMA_BUS)) {
      // A re-fault of a mapped page (permission upgrade): nothing to map again.
      if (useIova) return st.addr + BigInt(offset)
      if (map.dmaList) return this.entryDma(map, idx)
    }
    const physPfn = map.pfns[idx] as number
    const paddr = BigInt(physPfn) * PAGE_SIZE_N
    const p2pType = env.p2p.state(p2p, paddr)
    switch (p2pType) {
      case 'PCI_P2PDMA_MAP_NONE':
        break
      case 'PCI_P2PDMA_MAP_THRU_HOST_BRIDGE':
        attrs |= env.has('hmm-mmio-host-bridge') ? MMIO : SKIP_CPU_SYNC
        map.flags[idx] = (map.flags[idx] as number) | HMM_PFN_P2PDMA
        break
      case 'PCI_P2PDMA_MAP_BUS_ADDR':
        map.flags[idx] = (map.flags[idx] as number) | HMM_PFN_P2PDMA_BUS | HMM_PFN_DMA_MAPPED
        return env.p2p.busAddr(p2p, paddr)
      case 'PCI_P2PDMA_MAP_NOT_SUPPORTED':
        return DMA_MAPPING_ERROR
      default:
        return unreachable(p2pType)
    }
    let dma: bigint
    if (useIova) {
      const d = env.domain
      const fast = d !== undefined && d.granule === PAGE_SIZE && map.entrySize === PAGE_SIZE && env.dev.coherent && !(attrs & MMIO)
      if (fast && st.track !== undefined) {
        // dma_iova_link() + dma_iova_sync() of one whole page, without bigint arithmetic.
        const prot = IOMMU_READ | IOMMU_WRITE | IOMMU_CACHE
        const err = iova.iovaLinkPages(env, this.#api.tracker, st, physPfn, idx, 1, prot)
        if (err) return this.#error(map, idx)
        iova.iovaSyncPages(env, this.#api.tracker, st, idx, 1)
      } else {
        const err = iova.iovaLink(env, this.#api.tracker, st, paddr, BigInt(offset), BigInt(map.entrySize), DMA_BIDIRECTIONAL, attrs)
        if (err) return this.#error(map, idx)
        const serr = iova.iovaSync(env, this.#api.tracker, st, BigInt(offset), BigInt(map.entrySize))
        if (serr) {
          iova.iovaUnlinkInternal(env, this.#api.tracker, st, BigInt(offset), BigInt(map.entrySize), DMA_BIDIRECTIONAL, attrs, false)
          return this.#error(map, idx)
        }
      }
      dma = st.addr + BigInt(offset)
    } else {
      const needUnmap = m.needUnmap(env)
      if (needUnmap && map.dmaList === undefined) {
        env.warnOnce('hmm-no-list', 'R5', `WARNING: hmm_dma_map_pfn: ${env.dev.name} ${env.dev.bdf}: dma_need_unmap() but no dma_list`)
        return this.#error(map, idx)
      }
      dma = env.has('dma-map-phys')
        ? m.mapPhys(env, paddr, BigInt(map.entrySize), DMA_BIDIRECTIONAL, attrs)
        : m.mapPage(env, paddr, BigInt(map.entrySize), DMA_BIDIRECTIONAL, 0)
      if (m.mappingError(env, dma)) return this.#error(map, idx)
      if (needUnmap && map.dmaList) {
        map.dmaList.hi[idx] = Number(dma >> 32n)
        map.dmaList.lo[idx] = Number(dma & 0xffff_ffffn)
      }
    }
    map.flags[idx] = (map.flags[idx] as number) | HMM_PFN_DMA_MAPPED
    return dma
  }

  #error(map: HmmDmaMap, idx: number): bigint {
    map.flags[idx] = (map.flags[idx] as number) & ~HMM_PFN_P2PDMA
    return DMA_MAPPING_ERROR
  }

  entryDma(map: HmmDmaMap, idx: number): bigint {
    const l = map.dmaList
    if (l === undefined) return DMA_MAPPING_ERROR
    return (BigInt(l.hi[idx] as number) << 32n) | BigInt(l.lo[idx] as number)
  }

  /** hmm_dma_unmap_pfn(): false when the entry was not VALID and DMA_MAPPED. */
  hmm_dma_unmap_pfn(map: HmmDmaMap, idx: number): boolean {
    const ok = this.unmapPfnQuiet(map, idx)
    this.#api.env.trace.loop('hmm_dma_unmap_pfn', { idx }, ok)
    return ok
  }

  unmapPfnQuiet(map: HmmDmaMap, idx: number): boolean {
    const env = this.#api.env
    const flags = map.flags[idx] as number
    const ok = (flags & (HMM_PFN_VALID | HMM_PFN_DMA_MAPPED)) === (HMM_PFN_VALID | HMM_PFN_DMA_MAPPED)
    if (ok) {
      let attrs = env.has('hmm-require-coherent') ? REQUIRE_COHERENT : 0
      if (flags & HMM_PFN_P2PDMA) attrs |= env.has('hmm-mmio-host-bridge') ? MMIO : SKIP_CPU_SYNC
      const st = map.state
      if (flags & HMM_PFN_P2PDMA_BUS) {
        // Bus addresses need no unmap.
      } else if (iova.dmaUseIova(st)) {
        if (env.domain?.granule === PAGE_SIZE && map.entrySize === PAGE_SIZE && env.dev.coherent && !(st.size >> 63n) && st.track)
          iova.iovaUnlinkPages(env, this.#api.tracker, st, idx, 1)
        else iova.iovaUnlinkInternal(env, this.#api.tracker, st, BigInt(idx * map.entrySize), BigInt(map.entrySize), DMA_BIDIRECTIONAL, attrs, false)
      } else if (m.needUnmap(env) && map.dmaList === undefined) {
        // dma_need_unmap() flipped after the allocation (a bounce cleared dma_skip_sync): the kernel
        // then reads dma_addrs[idx] from a NULL dma_list.
        env.reporter.report(
          'R44',
          'error',
          'kernel',
          `BUG: kernel NULL pointer dereference in hmm_dma_unmap_pfn (${env.dev.name} ${env.dev.bdf}: dma_need_unmap() became true after hmm_dma_map_alloc() decided not to allocate dma_list)`,
        )
        throw new KernelBug('R44', 'hmm_dma_unmap_pfn() dereferenced a NULL dma_list: dma_need_unmap() changed after hmm_dma_map_alloc()')
      } else if (m.needUnmap(env) && map.dmaList) {
        const dma = this.entryDma(map, idx)
        if (env.has('dma-map-phys')) m.unmapPhys(env, dma, BigInt(map.entrySize), DMA_BIDIRECTIONAL, attrs)
        else m.unmapPage(env, dma, BigInt(map.entrySize), DMA_BIDIRECTIONAL, 0)
      }
      map.flags[idx] = flags & ~(HMM_PFN_DMA_MAPPED | HMM_PFN_P2PDMA | HMM_PFN_P2PDMA_BUS)
    }
    return ok
  }

  /** hmm_dma_map_free(): the caller unmapped every entry first. */
  hmm_dma_map_free(map: HmmDmaMap): void {
    const env = this.#api.env
    if (iova.dmaUseIova(map.state)) iova.iovaFree(env, this.#api.tracker, map.state, 'hmm_dma_map_free()')
    env.trace.record('hmm_dma_map_free', { 'state.addr': map.state.addr, nr_entries: map.nr }, null)
  }

  /**
   * hmm_range_fault() (mm/hmm.c): fault in and snapshot the mirrored range.
   * The plan's regions are resident, so it succeeds; recorded like every
   * call the driver makes.
   */
  hmm_range_fault(npages: number): number {
    this.#api.env.trace.record('hmm_range_fault', { npages }, 0)
    return 0
  }

  /**
   * The driver's loop of hmm_dma_map_pfn() (mm/hmm.c) over pages [from, to):
   * hmmMapLoop(). Returns the first page that failed, or -1.
   */
  hmm_dma_map_pfns(map: HmmDmaMap, from: number, to: number, p2p: P2pState, table: DeviceTable): number {
    return hmmMapLoop(this, this.#api.env, map, from, to, p2p, table, this.#api.tracker)
  }

  /** The driver's loop of hmm_dma_unmap_pfn() (mm/hmm.c) over pages [from, to): hmmUnmapLoop(). */
  hmm_dma_unmap_pfns(map: HmmDmaMap, from: number, to: number, table: DeviceTable, order: 'forward' | 'last-first' = 'forward'): void {
    hmmUnmapLoop(this, this.#api.env, map, from, to, table, this.#api.tracker, order)
  }

  /** Bytes of HMM state for the map (pfn_list, flags, dma_list). */
  static stateBytes(map: HmmDmaMap): number {
    return map.pfns.byteLength + map.flags.byteLength + (map.dmaList ? map.dmaList.hi.byteLength * 2 : 0)
  }
}

/**
 * The driver's device page table for an HMM mirror (an RDMA MR's MTT):
 * one DMA address per entry as two 32-bit words, all-ones when invalid.
 */
export class DeviceTable {
  readonly hi: Uint32Array
  readonly lo: Uint32Array

  constructor(n: number) {
    this.hi = new Uint32Array(n).fill(0xffff_ffff)
    this.lo = new Uint32Array(n).fill(0xffff_ffff)
  }

  set(i: number, dma: bigint): void {
    this.hi[i] = Number(dma >> 32n)
    this.lo[i] = Number(dma & 0xffff_ffffn)
  }

  setNum(i: number, dma: number): void {
    const hi = Math.floor(dma / 2 ** 32)
    this.hi[i] = hi
    this.lo[i] = dma - hi * 2 ** 32
  }

  clear(i: number): void {
    this.hi[i] = 0xffff_ffff
    this.lo[i] = 0xffff_ffff
  }

  valid(i: number): boolean {
    return !(this.hi[i] === 0xffff_ffff && this.lo[i] === 0xffff_ffff)
  }

  get(i: number): bigint {
    return (BigInt(this.hi[i] as number) << 32n) | BigInt(this.lo[i] as number)
  }

  get bytes(): number {
    return this.hi.byteLength + this.lo.byteLength
  }
}

/**
 * The driver's loop over entries [from, to):
 *   dma = hmm_dma_map_pfn(dev, &map, i, &p2p);
 *   if (dma_mapping_error(dev, dma)) break;
 *   table[i] = dma;
 * Page-aligned IOVA links take a path without bigint arithmetic; the trace
 * gets one folded record for the loop. Returns the failing index or -1.
 */
export function hmmMapLoop(hmm: Hmm, env: Env, map: HmmDmaMap, from: number, to: number, p2p: P2pState, table: DeviceTable, tracker: IovaTracker): number {
  const t = env.trace
  const st = map.state
  const d = env.domain
  const tr = st.track
  const fast = iova.dmaUseIova(st) && d !== undefined && d.granule === PAGE_SIZE && map.entrySize === PAGE_SIZE && env.dev.coherent && tr !== undefined
  const baseAddr = fast ? Number(st.addr) : 0
  const exact = baseAddr + to * PAGE_SIZE < 2 ** 53
  const prot = IOMMU_READ | IOMMU_WRITE | IOMMU_CACHE
  let done = 0
  let failed = -1
  let injected = false
  for (let i = from; i < to && failed < 0;) {
    if (fast && exact && d !== undefined && tr !== undefined) {
      // A run of pages each needing exactly "link one granule, sync it": the per-page calls have the
      // same effect as linking the run at once, so do that (the injector still counts every call).
      let j = i
      while (j < to && !((map.flags[j] as number) & HMM_PFN_DMA_MAPPED) && env.p2p.noBarAt(map.pfns[j] as number)) j++
      if (j > i) {
        const ok = t.takeFallible(j - i)
        const n = ok
        if (n > 0 && d.pgtable.firstPresent(tr.basePfn + i, n) < 0 && tracker.linkSyncedRun(tr, i, n)) {
          d.pgtable.mapArray(tr.basePfn + i, map.pfns, i, n, prot)
          env.stats.add(C.pteWrites, n)
          env.stats.add(C.syncMaps, n)
          const flags = map.flags
          for (let k = i; k < i + n; k++) {
            flags[k] = (flags[k] as number) | HMM_PFN_DMA_MAPPED
            table.setNum(k, baseAddr + k * PAGE_SIZE)
          }
          done += n
          i += n
          if (ok < j - i + n) {
            injected = true
            failed = i
            map.flags[i] = (map.flags[i] as number) & ~HMM_PFN_P2PDMA
          }
          continue
        }
        // Something in the run is already mapped: give back the counted calls and go page by page.
        t.untakeFallible()
      }
    }
    if (t.shouldFail()) {
      injected = true
      failed = i
      map.flags[i] = (map.flags[i] as number) & ~HMM_PFN_P2PDMA
      break
    }
    const dma = hmm.mapPfnQuiet(map, i, p2p)
    env.debug.mappingError(dma)
    if (dma === DMA_MAPPING_ERROR) {
      failed = i
      break
    }
    table.set(i, dma)
    done++
    i++
  }
  const count = done + (failed >= 0 ? 1 : 0)
  const retOf = (i: number): bigint => (i === failed ? DMA_MAPPING_ERROR : table.get(i))
  if (count > 0) {
    const last = from + count - 1
    t.recordLoop(
      'hmm_dma_map_pfn',
      count,
      { idx: from },
      retOf(from),
      { idx: last },
      retOf(last),
      failed >= 0 ? { errno: 'DMA_MAPPING_ERROR', injected } : undefined,
    )
  }
  return failed
}

/**
 * The driver's teardown loop over entries [from, to): hmm_dma_unmap_pfn()
 * each (one folded trace record), in order, or last first where the driver
 * undoes a map that failed part-way (templates/module/hmm.c: while (idx--)).
 * IOVA-linked pages of a coherent device are unlinked by frame number.
 */
export function hmmUnmapLoop(
  hmm: Hmm,
  env: Env,
  map: HmmDmaMap,
  from: number,
  to: number,
  table: DeviceTable,
  tracker: IovaTracker,
  order: 'forward' | 'last-first' = 'forward',
): void {
  const st = map.state
  const d = env.domain
  const fast =
    iova.dmaUseIova(st) && d !== undefined && d.granule === PAGE_SIZE && map.entrySize === PAGE_SIZE && env.dev.coherent && st.track !== undefined && !(st.size >> 63n)
  const mapped = HMM_PFN_VALID | HMM_PFN_DMA_MAPPED
  const down = order === 'last-first'
  const [start, end, step] = down ? [to - 1, from - 1, -1] : [from, to, 1]
  let firstRet = false
  let lastRet = false
  for (let i = start; i !== end; i += step) {
    const flags = map.flags[i] as number
    const ok = (flags & mapped) === mapped
    if (ok && fast && !(flags & (HMM_PFN_P2PDMA | HMM_PFN_P2PDMA_BUS))) {
      // Consecutive linked pages are unlinked in one go, as dma_iova_unlink() of the run would.
      let j = i + step
      while (j !== end && ((map.flags[j] as number) & (mapped | HMM_PFN_P2PDMA | HMM_PFN_P2PDMA_BUS)) === mapped) j += step
      const [lo, n] = down ? [j + 1, i - j] : [i, j - i]
      iova.iovaUnlinkPages(env, tracker, st, lo, n)
      for (let k = lo; k < lo + n; k++) {
        map.flags[k] = (map.flags[k] as number) & ~HMM_PFN_DMA_MAPPED
        table.clear(k)
      }
      if (i === start) firstRet = true
      lastRet = true
      i = j - step
      continue
    }
    // Without a dma_list nothing is unmapped (dma_need_unmap() said no): the mapping just ends.
    if (ok && !iova.dmaUseIova(st) && map.dmaList === undefined && !(flags & HMM_PFN_P2PDMA_BUS) && table.valid(i))
      env.forgetMapping(table.get(i), BigInt(map.entrySize))
    const r = hmm.unmapPfnQuiet(map, i)
    table.clear(i)
    if (i === start) firstRet = r
    lastRet = r
  }
  env.trace.recordLoop('hmm_dma_unmap_pfn', to - from, { idx: start }, firstRet, { idx: end - step }, lastRet)
}
