/**
 * HMM DMA mapping (mm/hmm.c hmm_dma_map_alloc(), hmm_dma_map_pfn(),
 * include/linux/hmm-dma.h):
 * a pre-allocated IOVA range (or per-page dma_map_phys) with one entry per
 * mirrored page, linked and synced page by page as faults arrive; P2P pages
 * through the host bridge share the IOVA window with DMA_ATTR_MMIO,
 * switch-local P2P pages use bus addresses and never consume IOVA.
 *
 * The entries' state (hmm-entries.ts) grows with the pages faulted and
 * mapped, not with the mirror; the dma_list only exists without an IOVA
 * when dma_need_unmap() says so.
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
import { chunkEdge } from '../chunked-array.js'
import { DmaAddrArray, HMM_PFN_DMA_MAPPED, HMM_PFN_P2PDMA, HMM_PFN_P2PDMA_BUS, HMM_PFN_VALID, HmmEntries } from './hmm-entries.js'
import type { DeviceTable } from './hmm-entries.js'

export interface HmmDmaMap {
  readonly state: DmaIovaState
  /** pfn_list: each entry's frame (what hmm_range_fault() put there) and flags. */
  readonly entries: HmmEntries
  /** DMA address per entry when there is no IOVA and unmaps are needed. */
  readonly dmaList: DmaAddrArray | undefined
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
      entries: new HmmEntries(nr),
      dmaList: needList ? new DmaAddrArray(nr, 0) : undefined,
      entrySize,
      nr,
    }
    // Whether hmm_dma_unmap_pfn() will dma_unmap_phys() each page: only with a dma_list.
    t.record('hmm_dma_map_alloc', useIova ? { ...args, 'state.addr': state.addr } : { ...args, dma_list: needList }, 0)
    return { err: 0, map }
  }

  /** hmm_range_fault() filled entries [from, from + n) with consecutive frames from firstPfn. */
  setPfnRange(map: HmmDmaMap, from: number, firstPfn: number, n: number): void {
    map.entries.setPfnRange(from, firstPfn, n)
  }

  /** hmm_range_fault() filled entry idx: a valid page at a physical frame. */
  setPfn(map: HmmDmaMap, idx: number, physPfn: number): void {
    map.entries.setPfn(idx, physPfn)
  }

  /** hmm_dma_map_pfn(): the DMA address of entry idx, or DMA_MAPPING_ERROR. */
  hmm_dma_map_pfn(map: HmmDmaMap, idx: number, p2p: P2pState): bigint {
    const env = this.#api.env
    const t = env.trace
    if (t.shouldFail()) {
      t.loop('hmm_dma_map_pfn', { idx }, DMA_MAPPING_ERROR, { injected: true })
      map.entries.update(idx, 0, HMM_PFN_P2PDMA)
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
    const flags = map.entries.flags(idx)
    const offset = idx * map.entrySize
    let attrs = env.has('hmm-require-coherent') ? REQUIRE_COHERENT : 0
    if (flags & HMM_PFN_DMA_MAPPED && !(flags & HMM_PFN_P2PDMA_BUS)) {
      // A re-fault of a mapped page (permission upgrade): nothing to map again.
      if (useIova) return st.addr + BigInt(offset)
      if (map.dmaList) return this.entryDma(map, idx)
    }
    const physPfn = map.entries.pfn(idx)
    const paddr = BigInt(physPfn) * PAGE_SIZE_N
    const p2pType = env.p2p.state(p2p, paddr)
    switch (p2pType) {
      case 'PCI_P2PDMA_MAP_NONE':
        break
      case 'PCI_P2PDMA_MAP_THRU_HOST_BRIDGE':
        attrs |= env.has('hmm-mmio-host-bridge') ? MMIO : SKIP_CPU_SYNC
        map.entries.update(idx, HMM_PFN_P2PDMA, 0)
        break
      case 'PCI_P2PDMA_MAP_BUS_ADDR':
        map.entries.update(idx, HMM_PFN_P2PDMA_BUS | HMM_PFN_DMA_MAPPED, 0)
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
      if (needUnmap && map.dmaList) map.dmaList.set(idx, dma)
    }
    map.entries.update(idx, HMM_PFN_DMA_MAPPED, 0)
    return dma
  }

  #error(map: HmmDmaMap, idx: number): bigint {
    map.entries.update(idx, 0, HMM_PFN_P2PDMA)
    return DMA_MAPPING_ERROR
  }

  entryDma(map: HmmDmaMap, idx: number): bigint {
    return map.dmaList === undefined ? DMA_MAPPING_ERROR : map.dmaList.get(idx)
  }

  /** hmm_dma_unmap_pfn(): false when the entry was not VALID and DMA_MAPPED. */
  hmm_dma_unmap_pfn(map: HmmDmaMap, idx: number): boolean {
    const ok = this.unmapPfnQuiet(map, idx)
    this.#api.env.trace.loop('hmm_dma_unmap_pfn', { idx }, ok)
    return ok
  }

  unmapPfnQuiet(map: HmmDmaMap, idx: number): boolean {
    const env = this.#api.env
    const flags = map.entries.flags(idx)
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
      map.entries.update(idx, 0, HMM_PFN_DMA_MAPPED | HMM_PFN_P2PDMA | HMM_PFN_P2PDMA_BUS)
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

  /** What hmm_dma_map_alloc() allocates: pfn_list, and dma_list where there is one (8 bytes an entry each). */
  static kernelBytes(map: HmmDmaMap): number {
    return map.nr * 8 * (map.dmaList ? 2 : 1)
  }

  /** Bytes of the model's state for the map (its entries, dma_list). */
  static stateBytes(map: HmmDmaMap): number {
    return map.entries.bytes + (map.dmaList?.bytes ?? 0)
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
      const e = map.entries
      const j = i + unmappedRun(env, e, i, to)
      if (j > i) {
        const ok = t.takeFallible(j - i)
        const n = ok
        if (n > 0 && d.pgtable.firstPresent(tr.basePfn + i, n) < 0 && tracker.linkSyncedRun(tr, i, n)) {
          for (let a = i; a < i + n;) {
            const len = e.contiguous(a, i + n - a)
            d.pgtable.map(tr.basePfn + a, e.pfn(a), len, prot, false)
            a += len
          }
          env.stats.add(C.pteWrites, n)
          env.stats.add(C.syncMaps, n)
          for (let k = i; k < i + n; k++) {
            e.update(k, HMM_PFN_DMA_MAPPED, 0)
            table.setNum(k, baseAddr + k * PAGE_SIZE)
          }
          done += n
          i += n
          if (ok < j - i + n) {
            injected = true
            failed = i
            e.update(i, 0, HMM_PFN_P2PDMA)
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
      map.entries.update(i, 0, HMM_PFN_P2PDMA)
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
 * How many entries from i on (before to) hmm_dma_map_pfn() would simply link
 * and sync: not mapped yet, their frames outside every BAR. Chunks of
 * entries never mapped are passed whole.
 */
function unmappedRun(env: Env, e: HmmEntries, i: number, to: number): number {
  let j = i
  while (j < to) {
    let k = e.contiguous(j, to - j)
    const bar = env.p2p.firstBarIn(e.pfn(j), k)
    if (bar >= 0) k = bar
    let free = 0
    while (free < k) {
      if (!e.touched(j + free)) free = Math.min(k, chunkEdge(j + free, 1) - j)
      else if (e.flags(j + free) & HMM_PFN_DMA_MAPPED) break
      else free++
    }
    j += free
    if (free < k || bar >= 0) break
  }
  return j - i
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
  const step: 1 | -1 = down ? -1 : 1
  const [start, end] = down ? [to - 1, from - 1] : [from, to]
  let firstRet = false
  let lastRet = false
  for (let i = start; i !== end; i += step) {
    if (!map.entries.touched(i) && !table.stored(i)) {
      // Nothing in this chunk was ever mapped: hmm_dma_unmap_pfn() says false for each of its entries.
      if (i === start) firstRet = false
      lastRet = false
      const edge = chunkEdge(i, step)
      i = (down ? Math.max(edge, end) : Math.min(edge, end)) - step
      continue
    }
    const flags = map.entries.flags(i)
    const ok = (flags & mapped) === mapped
    if (ok && fast && !(flags & (HMM_PFN_P2PDMA | HMM_PFN_P2PDMA_BUS))) {
      // Consecutive linked pages are unlinked in one go, as dma_iova_unlink() of the run would.
      let j = i + step
      while (j !== end && (map.entries.flags(j) & (mapped | HMM_PFN_P2PDMA | HMM_PFN_P2PDMA_BUS)) === mapped) j += step
      const [lo, n] = down ? [j + 1, i - j] : [i, j - i]
      iova.iovaUnlinkPages(env, tracker, st, lo, n)
      // The run's entries carried exactly VALID | DMA_MAPPED.
      map.entries.clearFlags(lo, lo + n)
      table.clearRange(lo, lo + n)
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
