/**
 * The two-step IOVA API (dma-iommu.c since 6.16, K-R25 to K-R36): allocate an
 * IOVA range once, link physical ranges into it without IOTLB syncs, sync,
 * and unlink/destroy. Functions here are the kernel's internals; the
 * driver-visible wrappers that record calls are in api.ts.
 *
 * Every state also gets a dmaplan tracker (iova-tracker.ts) because the
 * kernel checks almost nothing.
 */
import { hex } from '../addr.js'
import { DIR_NAME, DMA_IOVA_USE_SWIOTLB, DMA_MAPPING_ERROR, ERRNO, MMIO, REQUIRE_COHERENT, SKIP_CPU_SYNC } from '../consts.js'
import type { DmaDir } from '../consts.js'
import { archSyncDmaForCpu, archSyncDmaForDevice } from './arch.js'
import { devUseSwiotlb, dmaInfoToProt, domainOf, iommuDmaAllocIova, iommuDmaFreeIova, warnShortUnmap } from './dma-iommu.js'
import type { Env } from './env.js'
import type { IovaTracker, TrackedState } from './iova-tracker.js'
import { C } from '../stats.js'

/** struct dma_iova_state (+ the model's tracker handle). */
export interface DmaIovaState {
  addr: bigint
  /** __size, bit 63 = DMA_IOVA_USE_SWIOTLB. */
  size: bigint
  track: TrackedState | undefined
}

export const newIovaState = (): DmaIovaState => ({ addr: 0n, size: 0n, track: undefined })
export const dmaUseIova = (s: DmaIovaState): boolean => s.size !== 0n
export const dmaIovaSize = (s: DmaIovaState): bigint => s.size & ~DMA_IOVA_USE_SWIOTLB

/** dma_iova_try_alloc() (K-R26, K-R27, K-R36). */
export function iovaTryAlloc(env: Env, tracker: IovaTracker, st: DmaIovaState, phys: bigint, size: bigint): boolean {
  st.addr = 0n
  st.size = 0n
  st.track = undefined
  // Before 6.16 there is no IOVA API: a driver built for a newer kernel gets the stub that says no (K-R27).
  if (!env.has('dma-iova-api') || !env.dev.dmaIommu || env.domain === undefined) return false
  const d = env.domain
  const pad = d.offset(phys)
  if (size === 0n) {
    env.warnOnce('iova-size0', 'R26', `WARNING: dma_iova_try_alloc: ${env.dev.name} ${env.dev.bdf}: size 0`)
    return false
  }
  if (size & DMA_IOVA_USE_SWIOTLB) {
    env.warnOnce('iova-size63', 'R26', `WARNING: dma_iova_try_alloc: ${env.dev.name} ${env.dev.bdf}: size has bit 63 set`)
    return false
  }
  const len = d.align(size + pad)
  const addr = iommuDmaAllocIova(env, len, env.dev.dmaMask ?? 0n)
  if (addr === 0n) return false
  st.addr = addr + pad
  st.size = size
  st.track = tracker.open(d.pfn(addr), Number(len >> BigInt(d.shift)), d.granule)
  return true
}

/** dma_iova_free(): immediate, never queued (K-R25). */
export function iovaFree(env: Env, tracker: IovaTracker, st: DmaIovaState, what = 'dma_iova_free()'): void {
  if (!env.dev.dmaIommu || env.domain === undefined) return
  const d = domainOf(env)
  const pad = d.offset(st.addr)
  if (st.track) tracker.free(st.track, what)
  iommuDmaFreeIova(env, st.addr - pad, d.align(dmaIovaSize(st) + pad), false)
}

/** __dma_iova_link(): cache clean, then map without sync. */
function linkRaw(env: Env, tracker: IovaTracker, st: DmaIovaState, addr: bigint, phys: bigint, size: bigint, dir: DmaDir, attrs: number): number {
  const d = domainOf(env)
  if (!env.dev.coherent && !(attrs & (SKIP_CPU_SYNC | (env.has('dma-map-phys') ? MMIO : 0)))) archSyncDmaForDevice(env, phys, size, dir)
  if (size === 0n) return 0
  const undo = st.track && (addr & d.gMask) === 0n ? tracker.link(st.track, d.pfn(addr) - st.track.basePfn, Number(d.align(size) >> BigInt(d.shift))) : undefined
  const err = d.map(addr, phys, size, dmaInfoToProt(env, dir, env.dev.coherent, attrs), true)
  if (err !== 0) undo?.()
  return err
}

/** iommu_dma_iova_bounce_and_link(). */
function bounceAndLink(
  env: Env,
  tracker: IovaTracker,
  st: DmaIovaState,
  addr: bigint,
  phys: bigint,
  len: bigint,
  dir: DmaDir,
  attrs: number,
  startPad: bigint,
): number {
  const d = domainOf(env)
  const pool = env.swiotlb
  // iommu_dma_map_swiotlb(): no pool (x86 sets none up when all RAM is below 4 GiB).
  if (pool === undefined) {
    env.warnOnce('no-bounce', 'R13', `${env.dev.name} ${env.dev.bdf}: DMA bounce buffers are inactive, unable to map unaligned transaction.`)
    return -ERRNO.ENOMEM
  }
  const bounce = pool.tblMapSingle(env, phys, Number(len), Number(d.gMask), dir, attrs)
  if (bounce === DMA_MAPPING_ERROR) return -ERRNO.ENOMEM
  const err = linkRaw(env, tracker, st, addr - startPad, bounce - startPad, d.align(len), dir, attrs)
  if (err) pool.tblUnmapSingle(env, bounce, Number(len), dir, attrs)
  return err
}

/** iommu_dma_iova_link_swiotlb() (K-R32): bounce the unaligned head and tail granules only. */
function linkSwiotlb(env: Env, tracker: IovaTracker, st: DmaIovaState, phys: bigint, offset: bigint, size: bigint, dir: DmaDir, attrs: number): number {
  const d = domainOf(env)
  const startPad = d.offset(phys)
  const endPad = d.offset(phys + size)
  const addr = st.addr + offset
  let mapped = 0n
  let err = 0
  if (startPad) {
    const g = BigInt(d.granule)
    const bounceLen = size < g - startPad ? size : g - startPad
    err = bounceAndLink(env, tracker, st, addr, phys, bounceLen, dir, attrs, startPad)
    if (err) return err
    st.size |= DMA_IOVA_USE_SWIOTLB
    mapped += bounceLen
    size -= bounceLen
    if (!size) return 0
  }
  size -= endPad
  err = linkRaw(env, tracker, st, addr + mapped, phys + mapped, size, dir, attrs)
  if (!err) {
    mapped += size
    if (endPad) {
      err = bounceAndLink(env, tracker, st, addr + mapped, phys + mapped, endPad, dir, attrs, 0n)
      if (!err) st.size |= DMA_IOVA_USE_SWIOTLB
    }
  }
  if (!err) return 0
  iovaUnlinkInternal(env, tracker, st, env.has('iova-swiotlb-unwind-from-zero') ? 0n : offset, mapped, dir, attrs, false)
  return err
}

/** dma_iova_link() (K-R28, K-R29, K-R31, K-R32). Returns 0 or -errno. */
export function iovaLink(env: Env, tracker: IovaTracker, st: DmaIovaState, phys: bigint, offset: bigint, size: bigint, dir: DmaDir, attrs: number): number {
  // Without IOMMU-DMA the API is the !CONFIG_IOMMU_DMA stub (K-R27).
  if (!env.dev.dmaIommu || env.domain === undefined) return -ERRNO.EOPNOTSUPP
  const d = domainOf(env)
  const pad = d.offset(phys)
  if (pad !== 0n && offset > 0n) {
    env.warnOnce(
      'iova-link-pad',
      'R28',
      `WARNING: dma_iova_link: ${env.dev.name} ${env.dev.bdf}: phys ${hex(phys)} is not granule aligned at offset ${hex(offset)}`,
    )
    return -ERRNO.EIO
  }
  if (env.has('dma-attr-require-coherent') && attrs & REQUIRE_COHERENT) {
    if (!env.dev.coherent) return -ERRNO.EOPNOTSUPP
    if (st.size & DMA_IOVA_USE_SWIOTLB) {
      env.warnOnce('iova-req-coherent', 'R32', `WARNING: dma_iova_link: ${env.dev.name} ${env.dev.bdf}: REQUIRE_COHERENT after a bounced range`)
      return -ERRNO.EOPNOTSUPP
    }
  }
  if (st.track) {
    tracker.used(st.track, 'dma_iova_link()')
    tracker.direction(st.track, dir, 'dma_iova_link()', DIR_NAME)
  }
  if (devUseSwiotlb(env, size, dir) && d.offset(phys | size) !== 0n) {
    // MMIO and REQUIRE_COHERENT ranges never bounce: refused before anything is linked.
    if ((env.has('dma-map-phys') && attrs & MMIO) || (env.has('dma-attr-require-coherent') && attrs & REQUIRE_COHERENT)) return -ERRNO.EPERM
    return linkSwiotlb(env, tracker, st, phys, offset, size, dir, attrs)
  }
  return linkRaw(env, tracker, st, st.addr + offset - pad, phys - pad, d.align(size + pad), dir, attrs)
}

/**
 * dma_iova_link() of whole granules by frame number: the same checks and
 * effects as iovaLink() for a granule-aligned range on a device that needs
 * neither bounce nor cache maintenance, without bigint arithmetic (HMM's
 * per-page fault path). Returns 0 or -errno; falls back when it cannot apply.
 */
export function iovaLinkPages(env: Env, tracker: IovaTracker, st: DmaIovaState, physPfn: number, indexPfn: number, n: number, prot: number): number {
  const d = domainOf(env)
  const tr = st.track as TrackedState
  const iovaPfn = tr.basePfn + indexPfn
  if (n === 1 && tracker.linkOne(tr, indexPfn)) {
    const err = d.mapPfn(iovaPfn, physPfn, 1, prot, true)
    if (err) tracker.unlinkOne(tr, indexPfn)
    return err
  }
  const undo = tracker.link(tr, indexPfn, n)
  const err = d.mapPfn(iovaPfn, physPfn, n, prot, true)
  if (err) undo()
  return err
}

/** dma_iova_sync() (K-R30). */
export function iovaSync(env: Env, tracker: IovaTracker, st: DmaIovaState, offset: bigint, size: bigint): number {
  if (!env.dev.dmaIommu || env.domain === undefined) return -ERRNO.EOPNOTSUPP
  const d = domainOf(env)
  const addr = st.addr + offset
  const pad = d.offset(addr)
  if (st.track) tracker.sync(st.track, d.pfn(addr - pad) - st.track.basePfn, Number(d.align(size + pad) >> BigInt(d.shift)))
  d.syncMap(addr - pad, d.align(size + pad))
  return 0
}

export function iovaSyncPages(env: Env, tracker: IovaTracker, st: DmaIovaState, indexPfn: number, n: number): void {
  const d = domainOf(env)
  const tr = st.track as TrackedState
  if (n === 1) tracker.syncOne(tr, indexPfn)
  else tracker.sync(tr, indexPfn, n)
  d.pgtable.syncMap(tr.basePfn + indexPfn, n)
  env.stats.add(C.syncMaps, 1)
}

/**
 * __iommu_dma_iova_unlink() (6.16-7.2; 7.3 dma_iova_unlink()): unlink always
 * flushes; up to 7.2 destroy (free) follows the domain's policy (K-R25, K-R33,
 * K-R34). `what` names the driver's call in dmaplan's reports.
 */
export function iovaUnlinkInternal(
  env: Env,
  tracker: IovaTracker,
  st: DmaIovaState,
  offset: bigint,
  size: bigint,
  dir: DmaDir,
  attrs: number,
  freeIova: boolean,
  what = freeIova ? 'dma_iova_destroy()' : 'dma_iova_unlink()',
): void {
  if (!env.dev.dmaIommu || env.domain === undefined) return
  const d = domainOf(env)
  if (st.track) tracker.direction(st.track, dir, what, DIR_NAME)
  let addr = st.addr + offset
  const pad = d.offset(addr)
  const mmio = env.has('dma-map-phys') && (attrs & MMIO) !== 0
  if (st.size & DMA_IOVA_USE_SWIOTLB || (!env.dev.coherent && !(attrs & SKIP_CPU_SYNC) && !mmio)) unlinkRangeSlow(env, addr, size, dir, attrs)
  const queued = freeIova && d.fq !== undefined
  const len = d.align(size + pad)
  addr -= pad
  if (st.track) tracker.unlink(st.track, d.pfn(addr) - st.track.basePfn, Number(len >> BigInt(d.shift)), what)
  warnShortUnmap(env, unlinkFn(env), addr, len, d.unmap(addr, len, queued))
  if (freeIova) {
    if (st.track) tracker.free(st.track, what)
    iommuDmaFreeIova(env, addr, len, queued)
  }
}

/** Unlink of whole granules by frame number (HMM invalidation), strict like dma_iova_unlink(). */
export function iovaUnlinkPages(env: Env, tracker: IovaTracker, st: DmaIovaState, indexPfn: number, n: number): void {
  const d = domainOf(env)
  const tr = st.track as TrackedState
  if (n === 1) tracker.unlinkOne(tr, indexPfn)
  else tracker.unlink(tr, indexPfn, n, 'dma_iova_unlink()')
  const cleared = d.pgtable.unmap(tr.basePfn + indexPfn, n, false)
  env.stats.add(C.pteWrites, cleared)
  env.stats.add(C.iotlbSyncs, 1)
  if (cleared !== n)
    env.reporter.report(
      'R34',
      'error',
      'kernel',
      `WARNING: ${unlinkFn(env)}: ${env.dev.name} ${env.dev.bdf}: unmapped ${cleared} of ${n} granules at IOVA ${hex(d.addr(tr.basePfn + indexPfn))}`,
    )
}

/** iommu_dma_iova_unlink_range_slow() (K-R33): per granule, invalidate and release bounce slots. */
function unlinkRangeSlow(env: Env, addr: bigint, size: bigint, dir: DmaDir, attrs: number): void {
  const d = domainOf(env)
  const end = addr + size
  let pad = d.offset(addr)
  do {
    const phys = d.iovaToPhys(addr)
    if (phys === 0n) {
      env.reporter.report(
        'R33',
        'error',
        'kernel',
        `WARNING: iommu_dma_iova_unlink_range_slow: ${env.dev.name} ${env.dev.bdf}: no translation for IOVA ${hex(addr)}`,
      )
      return
    }
    const rest = end - addr
    const len = rest < BigInt(d.granule) - pad ? rest : BigInt(d.granule) - pad
    if (!env.dev.coherent && !(attrs & SKIP_CPU_SYNC)) archSyncDmaForCpu(env, phys, len, dir)
    if (env.swiotlb?.isBuffer(phys)) env.swiotlb.tblUnmapSingle(env, phys, Number(len), dir, attrs)
    addr += len
    pad = 0n
  } while (addr < end)
}

/**
 * dma_iova_destroy(): mapped_len 0 means only the IOVA is freed (a first
 * link failed). From 7.3 (dma-iova-destroy-sync) it is dma_iova_unlink() of
 * mapped_len, whose IOTLB sync is synchronous on every domain, then
 * dma_iova_free() of the whole allocation, straight into the rcache
 * (dma-iommu.c:2148-2160); up to 7.2 __iommu_dma_iova_unlink(free_iova)
 * freed only the aligned mapped_len, through the flush queue on a lazy
 * domain (7.2 dma-iommu.c:2074-2103).
 */
export function iovaDestroy(env: Env, tracker: IovaTracker, st: DmaIovaState, mappedLen: bigint, dir: DmaDir, attrs: number): void {
  if (!env.dev.dmaIommu || env.domain === undefined) return
  if (env.has('dma-iova-destroy-sync')) {
    if (mappedLen) iovaUnlinkInternal(env, tracker, st, 0n, mappedLen, dir, attrs, false, 'dma_iova_destroy()')
    iovaFree(env, tracker, st, 'dma_iova_destroy()')
    return
  }
  if (mappedLen) {
    // Anything linked beyond mapped_len stays mapped; the tracker reports it when the IOVA is freed.
    iovaUnlinkInternal(env, tracker, st, 0n, mappedLen, dir, attrs, true)
  } else iovaFree(env, tracker, st, 'dma_iova_destroy()')
}

/** Where the WARN_ON(unmapped != size) of an unlink sits: the static helper up to 7.2, dma_iova_unlink() itself from 7.3 (dma-iova-destroy-sync). */
function unlinkFn(env: Env): string {
  return env.has('dma-iova-destroy-sync') ? 'dma_iova_unlink' : '__iommu_dma_iova_unlink'
}
