/**
 * IOMMU-DMA (drivers/iommu/dma-iommu.c): single mappings (K-R13 to K-R17), IOVA
 * allocation with the 32-bit-first policy (K-R18, K-R19), strict or queued
 * unmaps (K-R23, K-R24), scatterlists with the coalescing rules K-C1 to K-C8, and
 * coherent allocations.
 */
import { bitsPerU64, DMA_BIT_MASK, hex, min, minNotZero } from '../addr.js'
import {
  DMA_BIDIRECTIONAL,
  DMA_FROM_DEVICE,
  DMA_MAPPING_ERROR,
  DMA_NONE,
  DMA_TO_DEVICE,
  ERRNO,
  IOMMU_CACHE,
  IOMMU_MMIO,
  IOMMU_PRIV,
  IOMMU_READ,
  IOMMU_WRITE,
  MMIO,
  PRIVILEGED,
  REQUIRE_COHERENT,
  SKIP_CPU_SYNC,
} from '../consts.js'
import type { DmaDir } from '../consts.js'
import type { IommuDomain } from '../iommu/domain.js'
import { archSyncDmaForCpu, archSyncDmaForDevice } from './arch.js'
import type { Env } from './env.js'
import { dmaKmallocNeedsBounce, dmaKmallocSafe, dmaKmallocSizeAligned } from './kmalloc.js'
import { newP2pState } from './p2pdma.js'
import type { SgTable } from './scatterlist.js'
import { unreachable } from '../../plan/unreachable.js'

export function domainOf(env: Env): IommuDomain {
  if (env.domain === undefined) throw new Error('IOMMU-DMA used on a device without an IOMMU domain')
  return env.domain
}

/** dma_info_to_prot() (K-R15); 6.18 adds IOMMU_MMIO for DMA_ATTR_MMIO in place of IOMMU_CACHE. */
export function dmaInfoToProt(env: Env, dir: DmaDir, coherent: boolean, attrs: number): number {
  const mmio = env.has('dma-map-phys') && (attrs & MMIO) !== 0
  let prot = mmio ? IOMMU_MMIO : coherent ? IOMMU_CACHE : 0
  if (attrs & PRIVILEGED) prot |= IOMMU_PRIV
  switch (dir) {
    case DMA_BIDIRECTIONAL:
      return prot | IOMMU_READ | IOMMU_WRITE
    case DMA_TO_DEVICE:
      return prot | IOMMU_READ
    case DMA_FROM_DEVICE:
      return prot | IOMMU_WRITE
    case DMA_NONE:
      return 0
    default:
      return unreachable(dir)
  }
}

/**
 * dev_use_swiotlb(): untrusted device, or the kmalloc rule (K-R13, K-R11). Whether
 * a pool exists is asked later (iommu_dma_map_swiotlb(): "bounce buffers are
 * inactive", and the map fails).
 */
export function devUseSwiotlb(env: Env, size: bigint, dir: DmaDir): boolean {
  return env.dev.untrusted || dmaKmallocNeedsBounce(env.dev, size, dir)
}

/** dev_use_sg_swiotlb() (K-C1): entry by entry, never merged, pool or not. */
export function devUseSgSwiotlb(env: Env, sgt: SgTable, nents: number, dir: DmaDir): boolean {
  if (env.dev.untrusted) return true
  if (!dmaKmallocSafe(env.dev, dir)) for (let i = 0; i < nents; i++) if (!dmaKmallocSizeAligned(BigInt(sgt.length(i)))) return true
  return false
}

/** iommu_dma_alloc_iova() (K-R18, K-R19): bytes in, IOVA out (0 on failure). */
export function iommuDmaAllocIova(env: Env, size: bigint, dmaLimit: bigint): bigint {
  const d = domainOf(env)
  const len = Number(size >> BigInt(d.shift))
  let limit = minNotZero(dmaLimit, env.dev.busDmaLimit)
  limit = min(limit, d.apertureEnd)
  if (limit > DMA_BIT_MASK(32) && env.dev.pci32bitWorkaround) {
    const pfn = d.allocIova(len, Number(DMA_BIT_MASK(32) >> BigInt(d.shift)), false)
    if (pfn) return d.addr(pfn)
    env.dev.pci32bitWorkaround = false
    env.reporter.log(`${env.dev.name} ${env.dev.bdf}: Using ${bitsPerU64(limit)}-bit DMA addresses`)
  }
  const pfn = d.allocIova(len, Number(limit >> BigInt(d.shift)), true)
  return pfn ? d.addr(pfn) : 0n
}

/** iommu_dma_free_iova(). */
export function iommuDmaFreeIova(env: Env, iova: bigint, size: bigint, queued: boolean): void {
  const d = domainOf(env)
  d.freeIova(d.pfn(iova), Number(size >> BigInt(d.shift)), queued)
}

/** __iommu_dma_map() (K-R14). */
export function iommuDmaMapRaw(env: Env, phys: bigint, size: bigint, prot: number, dmaMask: bigint): bigint {
  const d = domainOf(env)
  const off = d.offset(phys)
  if (BigInt(env.dev.minAlignMask) > d.gMask) {
    env.warnOnce('min-align', 'R14', `${env.dev.name} ${env.dev.bdf}: Unsupported alignment constraint`)
    return DMA_MAPPING_ERROR
  }
  const len = d.align(size + off)
  const iova = iommuDmaAllocIova(env, len, dmaMask)
  if (iova === 0n) return DMA_MAPPING_ERROR
  if (d.map(iova, phys - off, len, prot, false) !== 0) {
    iommuDmaFreeIova(env, iova, len, false)
    return DMA_MAPPING_ERROR
  }
  return iova + off
}

/** K-R34: the IOMMU unmapped less than the caller asked for (the kernel's WARN_ON in fn). */
export function warnShortUnmap(env: Env, fn: string, iova: bigint, len: bigint, unmapped: bigint): void {
  if (unmapped !== len)
    env.reporter.report(
      'R34',
      'error',
      'kernel',
      `WARNING: ${fn}: ${env.dev.name} ${env.dev.bdf}: unmapped ${hex(unmapped)} of ${hex(len)} bytes at IOVA ${hex(iova)}`,
    )
}

/** __iommu_dma_unmap(): queued through the flush queue on a lazy domain (K-R24). */
export function iommuDmaUnmapRaw(env: Env, addr: bigint, size: bigint): void {
  const d = domainOf(env)
  const off = d.offset(addr)
  const iova = addr - off
  const len = d.align(size + off)
  const queued = d.fq !== undefined
  warnShortUnmap(env, '__iommu_dma_unmap', iova, len, d.unmap(iova, len, queued))
  iommuDmaFreeIova(env, iova, len, queued)
}

/**
 * iommu_dma_map_phys() (6.18+) / iommu_dma_map_page(): bounce sub-granule
 * buffers of devices that need it (K-R13), clean caches, map (K-R14).
 */
export function iommuDmaMapPhys(env: Env, phys: bigint, size: bigint, dir: DmaDir, attrs: number): bigint {
  const d = domainOf(env)
  const coherent = env.dev.coherent
  const prot = dmaInfoToProt(env, dir, coherent, attrs)
  const mask = env.dev.dmaMask ?? 0n
  let bounced = false
  const unaligned = devUseSwiotlb(env, size, dir) && d.offset(phys | size) !== 0n
  if (unaligned && env.has('map-resource-bounce-refused') && attrs & MMIO) return DMA_MAPPING_ERROR
  // MMIO is never bounced: once the refusal above was fixed it is mapped as it is, and
  // iommu_dma_unmap_phys() never looks for a bounce slot of it (7.3 iommu_dma_map_phys()).
  if (unaligned && !(attrs & MMIO)) {
    if (env.has('dma-attr-require-coherent') && attrs & REQUIRE_COHERENT) return DMA_MAPPING_ERROR
    const pool = env.swiotlb
    if (pool === undefined) {
      env.warnOnce('no-bounce', 'R13', `${env.dev.name} ${env.dev.bdf}: DMA bounce buffers are inactive, unable to map unaligned transaction.`)
      return DMA_MAPPING_ERROR
    }
    const tlb = pool.tblMapSingle(env, phys, Number(size), Number(d.gMask), dir, attrs)
    if (tlb === DMA_MAPPING_ERROR) return DMA_MAPPING_ERROR
    phys = tlb
    bounced = true
    if (env.dev.untrusted) {
      // Untrusted devices must not see leftover kernel data around the buffer.
      const start = phys - d.offset(phys)
      if (phys > start) env.cpuWrite(start, new Uint8Array(Number(phys - start)))
      const end = phys + size
      const endAligned = d.align(end)
      if (endAligned > end) env.cpuWrite(end, new Uint8Array(Number(endAligned - end)))
    }
  }
  if (!coherent && !(attrs & (SKIP_CPU_SYNC | (env.has('dma-map-phys') ? MMIO : 0)))) archSyncDmaForDevice(env, phys, size, dir)
  const iova = iommuDmaMapRaw(env, phys, size, prot, mask)
  if (iova === DMA_MAPPING_ERROR && bounced) env.swiotlb?.tblUnmapSingle(env, phys, Number(size), dir, attrs)
  return iova
}

/** iommu_dma_map_resource() (before 6.18): MMIO protection, never bounced. */
export function iommuDmaMapResource(env: Env, phys: bigint, size: bigint, dir: DmaDir, attrs: number): bigint {
  return iommuDmaMapRaw(env, phys, size, dmaInfoToProt(env, dir, false, attrs) | IOMMU_MMIO, env.dev.dmaMask ?? 0n)
}

/** iommu_dma_unmap_phys() / unmap_page() (K-R16). */
export function iommuDmaUnmapPhys(env: Env, addr: bigint, size: bigint, dir: DmaDir, attrs: number): void {
  const d = domainOf(env)
  if ((env.has('dma-map-phys') && attrs & MMIO) || (env.has('dma-attr-require-coherent') && attrs & REQUIRE_COHERENT)) {
    iommuDmaUnmapRaw(env, addr, size)
    return
  }
  const phys = d.iovaToPhys(addr)
  if (phys === 0n) {
    // WARN_ON(!phys) in iommu_dma_unmap_phys(), iommu_dma_unmap_page() before dma_map_phys() (drivers/iommu/dma-iommu.c): nothing is unmapped.
    const fn = env.has('dma-map-phys') ? 'iommu_dma_unmap_phys' : 'iommu_dma_unmap_page'
    env.reporter.report('R16', 'error', 'kernel', `WARNING: ${fn}: ${env.dev.name} ${env.dev.bdf}: no translation for IOVA ${hex(addr)}`)
    return
  }
  if (!(attrs & SKIP_CPU_SYNC) && !env.dev.coherent) archSyncDmaForCpu(env, phys, size, dir)
  iommuDmaUnmapRaw(env, addr, size)
  if (env.swiotlb?.isBuffer(phys)) env.swiotlb.tblUnmapSingle(env, phys, Number(size), dir, attrs)
}

/** iommu_dma_sync_single_for_cpu() (K-R17: nothing for coherent devices that never bounce). */
export function iommuDmaSyncSingleForCpu(env: Env, addr: bigint, size: bigint, dir: DmaDir): void {
  if (env.dev.coherent && !devUseSwiotlb(env, size, dir)) return
  const phys = domainOf(env).iovaToPhys(addr)
  if (!env.dev.coherent) archSyncDmaForCpu(env, phys, size, dir)
  if (env.swiotlb?.isBuffer(phys)) env.swiotlb.syncForCpu(env, phys, Number(size), dir)
}

export function iommuDmaSyncSingleForDevice(env: Env, addr: bigint, size: bigint, dir: DmaDir): void {
  if (env.dev.coherent && !devUseSwiotlb(env, size, dir)) return
  const phys = domainOf(env).iovaToPhys(addr)
  if (env.swiotlb?.isBuffer(phys)) env.swiotlb.syncForDevice(env, phys, Number(size), dir)
  if (!env.dev.coherent) archSyncDmaForDevice(env, phys, size, dir)
}

export function iommuDmaSyncSgForCpu(env: Env, sgt: SgTable, nents: number, dir: DmaDir): void {
  if (sgt.swiotlb) for (let i = 0; i < nents; i++) iommuDmaSyncSingleForCpu(env, sgt.dmaAddress(i), BigInt(sgt.length(i)), dir)
  else if (!env.dev.coherent) for (let i = 0; i < nents; i++) archSyncDmaForCpu(env, sgt.phys(i), BigInt(sgt.length(i)), dir)
}

export function iommuDmaSyncSgForDevice(env: Env, sgt: SgTable, nents: number, dir: DmaDir): void {
  if (sgt.swiotlb) for (let i = 0; i < nents; i++) iommuDmaSyncSingleForDevice(env, sgt.dmaAddress(i), BigInt(sgt.length(i)), dir)
  else if (!env.dev.coherent) for (let i = 0; i < nents; i++) archSyncDmaForDevice(env, sgt.phys(i), BigInt(sgt.length(i)), dir)
}

/** iommu_dma_map_sg_swiotlb() (K-C1): entry by entry, no merging. */
function mapSgSwiotlb(env: Env, sgt: SgTable, nents: number, dir: DmaDir, attrs: number): number {
  sgt.swiotlb = true
  for (let i = 0; i < Math.min(nents, sgt.origNents); i++) {
    const addr = iommuDmaMapPhys(env, sgt.phys(i), BigInt(sgt.length(i)), dir, attrs)
    sgt.setDmaAddress(i, addr)
    if (addr === DMA_MAPPING_ERROR) {
      unmapSgSwiotlb(env, sgt, i, dir, attrs | SKIP_CPU_SYNC)
      return -ERRNO.EIO
    }
    sgt.setDmaLength(i, sgt.length(i))
  }
  return nents
}

function unmapSgSwiotlb(env: Env, sgt: SgTable, nents: number, dir: DmaDir, attrs: number): void {
  for (let i = 0; i < Math.min(nents, sgt.origNents); i++) iommuDmaUnmapPhys(env, sgt.dmaAddress(i), BigInt(sgt.dmaLength(i)), dir, attrs)
}

/**
 * Per-entry working state while the list is rewritten in place (K-C2), one
 * typed array per field: the stashed sub-granule offset or, for BUS_ADDR
 * entries, the bus address; the stashed length; the granule-aligned IOVA
 * length the entry occupies (s->length while mapping); the bus flag.
 */
class Work {
  readonly stashAddr: BigUint64Array
  readonly stashLen: Float64Array
  readonly iovaLen: Float64Array
  readonly bus: Uint8Array
  length = 0

  constructor(n: number) {
    this.stashAddr = new BigUint64Array(n)
    this.stashLen = new Float64Array(n)
    this.iovaLen = new Float64Array(n)
    this.bus = new Uint8Array(n)
  }

  push(stashAddr: bigint, stashLen: number, iovaLen: number, bus: boolean): void {
    const i = this.length++
    this.stashAddr[i] = stashAddr
    this.stashLen[i] = stashLen
    this.iovaLen[i] = iovaLen
    this.bus[i] = bus ? 1 : 0
  }
}

/**
 * iommu_dma_map_sg() (K-C2 to K-C4) and __finalise_sg() (K-C5): returns the number
 * of DMA segments or -errno (-ENOMEM, -EREMOTEIO, else -EINVAL).
 */
export function iommuDmaMapSg(env: Env, sgt: SgTable, nents: number, dir: DmaDir, attrs: number): number {
  const d = domainOf(env)
  if (devUseSgSwiotlb(env, sgt, nents, dir)) return mapSgSwiotlb(env, sgt, nents, dir, attrs)
  if (!(attrs & SKIP_CPU_SYNC)) iommuDmaSyncSgForDevice(env, sgt, nents, dir)
  const prot = dmaInfoToProt(env, dir, env.dev.coherent, attrs)
  const mask = env.dev.segBoundary
  const st = newP2pState()
  const n = Math.min(nents, sgt.origNents)
  const work = new Work(n)
  const wraps = env.has('iommu-sg-length-wraps')
  let iovaLen = 0n
  let prev = -1
  for (let i = 0; i < n; i++) {
    const phys = sgt.phys(i)
    const map = env.p2p.state(st, phys)
    if (map === 'PCI_P2PDMA_MAP_BUS_ADDR') {
      // K-C8: 6.16 to 7.1 take the DMA length from the list head, not the entry.
      const len = env.has('sg-bus-addr-head-length') ? sgt.length(0) : sgt.length(i)
      work.push(env.p2p.busAddr(st, phys), len, 0, true)
      continue
    }
    if (map === 'PCI_P2PDMA_MAP_NOT_SUPPORTED') return -ERRNO.EREMOTEIO
    const length = sgt.length(i)
    const off = d.offset(phys)
    const aligned = d.align(BigInt(length) + off)
    // s->length is 32 bits: until 1c8f6308e557 a longer entry wrapped silently.
    if (aligned > 0xffff_ffffn && !wraps) return -ERRNO.EINVAL
    // K-C3: pad the previous entry so that this one starts on a segment boundary.
    const pad = (mask - iovaLen + 1n) & mask
    if (pad !== 0n && pad < aligned - 1n && prev >= 0) {
      const padded = BigInt(work.iovaLen[prev] ?? 0) + pad
      if (padded > 0xffff_ffffn && !wraps) return -ERRNO.EINVAL
      work.iovaLen[prev] = Number(padded & 0xffff_ffffn)
      iovaLen += pad
    }
    iovaLen += aligned
    prev = work.length
    work.push(off, length, Number(aligned & 0xffff_ffffn), false)
  }
  if (iovaLen === 0n) return finaliseSg(env, sgt, work, 0n)
  const iova = iommuDmaAllocIova(env, iovaLen, env.dev.dmaMask ?? 0n)
  if (iova === 0n) return -ERRNO.ENOMEM
  // iommu_map_sg(): each non-bus entry at its place in the IOVA. An entry padded for the next
  // one's boundary (K-C3) has its CPU length extended, so the pad maps the physical memory after it.
  let at = iova
  for (let i = 0; i < n; i++) {
    const wLen = work.iovaLen[i] ?? 0
    // iommu_map_sg() maps nothing for an entry of length 0 (a wrapped one).
    if (work.bus[i] === 1 || wLen === 0) continue
    const err = d.map(at, sgt.phys(i) - (work.stashAddr[i] ?? 0n), BigInt(wLen), prot, true)
    if (err !== 0) {
      d.unmap(iova, iovaLen, false)
      iommuDmaFreeIova(env, iova, iovaLen, false)
      return -ERRNO.EINVAL
    }
    at += BigInt(wLen)
  }
  if (at - iova < iovaLen) {
    // A wrapped length mapped less than the IOVA holds: the IOVA is freed, its mappings are left behind.
    iommuDmaFreeIova(env, iova, iovaLen, false)
    return -ERRNO.EINVAL
  }
  d.syncMap(iova, iovaLen)
  return finaliseSg(env, sgt, work, iova)
}

/** __finalise_sg() (K-C5, K-C6). */
function finaliseSg(env: Env, sgt: SgTable, work: Work, dmaAddr: bigint): number {
  const segMask = env.dev.segBoundary
  const maxLen = env.dev.maxSegSize
  let cur = 0
  let curLen = 0
  let count = 0
  for (let i = 0; i < work.length; i++) {
    sgt.setDmaAddress(i, DMA_MAPPING_ERROR)
    sgt.setDmaLength(i, 0)
    sgt.setBusAddress(i, false)
    const stashAddr = work.stashAddr[i] ?? 0n
    const sLen = work.stashLen[i] ?? 0
    const wLen = work.iovaLen[i] ?? 0
    if (work.bus[i] === 1) {
      if (i > 0) cur++
      sgt.setDmaAddress(cur, stashAddr)
      sgt.setDmaLength(cur, sLen)
      sgt.setBusAddress(cur, true)
      env.windows.open(stashAddr, BigInt(sLen), 'pci bus address')
      count++
      curLen = 0
      continue
    }
    const sOff = Number(stashAddr)
    // max_len - cur_len is unsigned int arithmetic: after an entry longer than max_len it wraps, and everything merges.
    if (curLen !== 0 && sOff === 0 && (dmaAddr & segMask) !== 0n && (maxLen - curLen) >>> 0 >= sLen) curLen += sLen
    else {
      if (i > 0) cur++
      curLen = sLen
      count++
      sgt.setDmaAddress(cur, dmaAddr + BigInt(sOff))
    }
    sgt.setDmaLength(cur, curLen)
    dmaAddr += BigInt(wLen)
    if (sLen + sOff < wLen) curLen = 0
  }
  return count
}

/** iommu_dma_unmap_sg() (K-C7). */
export function iommuDmaUnmapSg(env: Env, sgt: SgTable, nents: number, dir: DmaDir, attrs: number): void {
  if (sgt.swiotlb) {
    unmapSgSwiotlb(env, sgt, nents, dir, attrs)
    return
  }
  if (!(attrs & SKIP_CPU_SYNC)) iommuDmaSyncSgForCpu(env, sgt, nents, dir)
  // Bus-address entries are unmarked; the IOVA range runs from the first other entry to the end of the last.
  let start: bigint | undefined
  let end = 0n
  for (let i = 0; i < Math.min(nents, sgt.origNents); i++) {
    if (sgt.busAddress(i)) {
      env.windows.close(sgt.dmaAddress(i), BigInt(sgt.dmaLength(i)))
      sgt.setBusAddress(i, false)
      continue
    }
    if (sgt.dmaLength(i) === 0) break
    start ??= sgt.dmaAddress(i)
    end = sgt.dmaAddress(i) + BigInt(sgt.dmaLength(i))
  }
  if (end !== 0n && start !== undefined) iommuDmaUnmapRaw(env, start, end - start)
}

/**
 * iommu_dma_alloc(): pages (the region, contiguous in the model) mapped
 * BIDIRECTIONAL at an IOVA under the coherent mask; zeroed.
 */
export function iommuDmaAlloc(env: Env, phys: bigint, size: bigint): bigint {
  // 7.3: a confidential guest asks for shared (decrypted) memory, which IOMMU-DMA does not allocate yet.
  if (env.coco && env.has('cc-iommu-alloc-coherent-refused')) return DMA_MAPPING_ERROR
  const d = domainOf(env)
  const len = d.align(size)
  const iova = iommuDmaAllocIova(env, len, env.dev.coherentDmaMask)
  if (iova === 0n) return DMA_MAPPING_ERROR
  if (d.map(iova, phys, len, dmaInfoToProt(env, DMA_BIDIRECTIONAL, env.dev.coherent, 0), false) !== 0) {
    iommuDmaFreeIova(env, iova, len, false)
    return DMA_MAPPING_ERROR
  }
  // Zeroed pages (__GFP_ZERO), flushed for a non-coherent device: older dirty lines do not come back (drivers/iommu/dma-iommu.c iommu_dma_alloc_remap()).
  env.cache?.markUncached(phys, size)
  env.mem.zero(phys, size)
  return iova
}

export function iommuDmaFree(env: Env, handle: bigint, size: bigint): void {
  iommuDmaUnmapRaw(env, handle, size)
}
