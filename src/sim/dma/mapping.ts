/**
 * kernel/dma/mapping.c: dispatch between dma-direct and IOMMU-DMA (K-R1), the
 * BUG and WARN checks every call makes (K-R2, K-R3), dma-debug accounting, and
 * the helpers drivers consult (dma_need_unmap, dma_max_mapping_size,
 * dma_get_merge_boundary, dma_addressing_limited). No call recording here:
 * HMM and the block layer call these internally, drivers through api.ts.
 */
import { DMA_BIT_MASK, fls, hex, minNotZero } from '../addr.js'
import { DIR_NAME, DMA_MAPPING_ERROR, ERRNO, MMIO, PAGE_SIZE_N, REQUIRE_COHERENT, U64_MAX } from '../consts.js'
import type { DmaDir } from '../consts.js'
import * as direct from './direct.js'
import * as iommu from './dma-iommu.js'
import type { Env } from './env.js'
import type { SgTable } from './scatterlist.js'
import { Swiotlb } from './swiotlb.js'

/** A kernel BUG(): the simulation of this plan cannot continue. */
export class KernelBug extends Error {
  readonly fact: string
  constructor(fact: string, message: string) {
    super(message)
    this.name = 'KernelBug'
    this.fact = fact
  }
}

/** BUG_ON(!valid_dma_direction(dir)) (K-R2). */
export function checkDir(env: Env, fn: string, dir: number): asserts dir is DmaDir {
  if (dir !== 0 && dir !== 1 && dir !== 2) {
    env.reporter.report('R2', 'error', 'kernel', `kernel BUG at kernel/dma/mapping.c: ${fn}() with invalid direction ${dir}`)
    throw new KernelBug('R2', `${fn}() called with direction ${dir}, which is not DMA_BIDIRECTIONAL, DMA_TO_DEVICE or DMA_FROM_DEVICE`)
  }
}

/** WARN_ON_ONCE(!dev->dma_mask) (K-R3). */
function noMask(env: Env, fn: string): boolean {
  if (env.dev.dmaMask !== undefined) return false
  env.warnOnce('no-dma-mask', 'R3', `WARNING: ${fn}: ${env.dev.name} ${env.dev.bdf}: device has no DMA mask`)
  return true
}

/** dma_map_phys() (6.18+). */
export function mapPhys(env: Env, phys: bigint, size: bigint, dir: DmaDir, attrs: number): bigint {
  checkDir(env, 'dma_map_phys', dir)
  if (noMask(env, 'dma_map_phys')) return DMA_MAPPING_ERROR
  if (env.has('dma-attr-require-coherent') && attrs & REQUIRE_COHERENT && !env.dev.coherent) return DMA_MAPPING_ERROR
  const addr = env.dev.dmaIommu ? iommu.iommuDmaMapPhys(env, phys, size, dir, attrs) : direct.directMapPhys(env, phys, size, dir, attrs)
  env.debug.map('phy', phys, addr, size, dir, attrs)
  // debug_dma_map_phys() from 7.1: MMIO of RAM (pfn_valid, not reserved) is reported, the map stands.
  if (env.has('debug-mmio-ram-report') && addr !== DMA_MAPPING_ERROR && attrs & MMIO && env.p2p.barOf(phys) === undefined && env.mem.backed(phys, size))
    env.debug.report('D24', `dma_map_resource called for RAM address 0x${phys.toString(16).padStart(16, '0')}`)
  return addr
}

export function unmapPhys(env: Env, addr: bigint, size: bigint, dir: DmaDir, attrs: number): void {
  checkDir(env, 'dma_unmap_phys', dir)
  if (env.dev.dmaIommu) iommu.iommuDmaUnmapPhys(env, addr, size, dir, attrs)
  else direct.directUnmapPhys(env, addr, size, dir, attrs)
  env.debug.unmap({ type: 'phy', devAddr: addr, size, dir, attrs })
}

/** dma_map_page_attrs(): before 6.18 its own path, from 6.18 a wrapper that refuses MMIO. */
export function mapPage(env: Env, phys: bigint, size: bigint, dir: DmaDir, attrs: number): bigint {
  if (env.has('dma-map-phys')) {
    if (attrs & MMIO) return DMA_MAPPING_ERROR
    // With CONFIG_DMA_API_DEBUG the 6.18 wrapper refuses ZONE_DEVICE (P2P) pages.
    if (env.dmaApiDebug && env.p2p.barOf(phys) !== undefined) {
      env.warnOnce('map-page-zone-device', 'R40', `WARNING: dma_map_page_attrs: ${env.dev.name} ${env.dev.bdf}: ZONE_DEVICE page ${hex(phys)}`)
      return DMA_MAPPING_ERROR
    }
    return mapPhys(env, phys, size, dir, attrs)
  }
  checkDir(env, 'dma_map_page_attrs', dir)
  if (noMask(env, 'dma_map_page_attrs')) return DMA_MAPPING_ERROR
  const p2p = env.p2p.barOf(phys) !== undefined
  const addr = env.dev.dmaIommu ? iommu.iommuDmaMapPhys(env, phys, size, dir, attrs) : direct.directMapPhys(env, phys, size, dir, attrs, p2p)
  env.debug.map('single', phys, addr, size, dir, attrs)
  return addr
}

export function unmapPage(env: Env, addr: bigint, size: bigint, dir: DmaDir, attrs: number): void {
  if (env.has('dma-map-phys')) {
    if (attrs & MMIO) return
    return unmapPhys(env, addr, size, dir, attrs)
  }
  checkDir(env, 'dma_unmap_page_attrs', dir)
  if (env.dev.dmaIommu) iommu.iommuDmaUnmapPhys(env, addr, size, dir, attrs)
  else direct.directUnmapPhys(env, addr, size, dir, attrs)
  env.debug.unmap({ type: 'single', devAddr: addr, size, dir, attrs })
}

/** dma_map_resource(): from 6.18 dma_map_phys(.. | DMA_ATTR_MMIO). */
export function mapResource(env: Env, phys: bigint, size: bigint, dir: DmaDir, attrs: number): bigint {
  if (env.has('dma-map-phys')) {
    if (env.has('map-resource-ram-refused') && env.dmaApiDebug && env.p2p.barOf(phys) === undefined && env.mem.backed(phys, size)) {
      env.warnOnce('resource-ram', 'R40', `WARNING: dma_map_resource: ${env.dev.name} ${env.dev.bdf}: ${hex(phys)} is RAM`)
      return DMA_MAPPING_ERROR
    }
    return mapPhys(env, phys, size, dir, attrs | MMIO)
  }
  checkDir(env, 'dma_map_resource', dir)
  if (noMask(env, 'dma_map_resource')) return DMA_MAPPING_ERROR
  const addr = env.dev.dmaIommu ? iommu.iommuDmaMapResource(env, phys, size, dir, attrs) : direct.directMapResource(env, phys, size)
  env.debug.map('resource', phys, addr, size, dir, attrs)
  return addr
}

export function unmapResource(env: Env, addr: bigint, size: bigint, dir: DmaDir, attrs: number): void {
  if (env.has('dma-map-phys')) return unmapPhys(env, addr, size, dir, attrs | MMIO)
  checkDir(env, 'dma_unmap_resource', dir)
  if (env.dev.dmaIommu) iommu.iommuDmaUnmapRaw(env, addr, size)
  else env.windows.close(addr, size)
  env.debug.unmap({ type: 'resource', devAddr: addr, size, dir, attrs })
}

/** dma_mapping_error(): 0 or -ENOMEM, marking the debug entry as checked (D15). */
export function mappingError(env: Env, addr: bigint): number {
  env.debug.mappingError(addr)
  return addr === DMA_MAPPING_ERROR ? -ERRNO.ENOMEM : 0
}

/** __dma_map_sg_attrs(): segment count or -errno; odd backend errors become -EIO (K-R41). */
export function mapSg(env: Env, sgt: SgTable, nents: number, dir: DmaDir, attrs: number): number {
  checkDir(env, 'dma_map_sg_attrs', dir)
  if (noMask(env, 'dma_map_sg_attrs')) return 0
  if (env.has('dma-attr-require-coherent') && attrs & REQUIRE_COHERENT && !env.dev.coherent) return -ERRNO.EOPNOTSUPP
  const ents = env.dev.dmaIommu ? iommu.iommuDmaMapSg(env, sgt, nents, dir, attrs) : direct.directMapSg(env, sgt, nents, dir, attrs)
  if (ents > 0) {
    env.debug.mapSg(sgt, ents, nents, dir, attrs)
    return ents
  }
  if (ents !== -ERRNO.EINVAL && ents !== -ERRNO.ENOMEM && ents !== -ERRNO.EIO && ents !== -ERRNO.EREMOTEIO && ents !== -ERRNO.EOPNOTSUPP) {
    env.warnOnce('map-sg-errno', 'R41', `WARNING: __dma_map_sg_attrs: ${env.dev.name} ${env.dev.bdf}: unexpected error ${ents}`)
    return -ERRNO.EIO
  }
  return ents
}

export function unmapSg(env: Env, sgt: SgTable, nents: number, dir: DmaDir, attrs: number): void {
  checkDir(env, 'dma_unmap_sg_attrs', dir)
  env.debug.unmapSg(sgt, Math.min(Math.max(sgt.nents, 1), sgt.origNents), nents, dir, attrs)
  if (env.dev.dmaIommu) iommu.iommuDmaUnmapSg(env, sgt, nents, dir, attrs)
  else direct.directUnmapSg(env, sgt, nents, dir, attrs)
}

/** dma_dev_need_sync(): syncs are skipped while the device is coherent and never bounced (K-R44). */
export function devNeedSync(env: Env): boolean {
  return !env.dev.dmaSkipSync || env.dmaApiDebug
}

/**
 * dma_sync_single_for_{cpu,device}(). The inline wrapper skips everything
 * when dma_dev_need_sync() says no; the dma-debug check still runs here,
 * because the model reports what a debug kernel (which never skips) prints.
 */
export function syncSingle(env: Env, addr: bigint, size: bigint, dir: DmaDir, toCpu: boolean): void {
  checkDir(env, toCpu ? 'dma_sync_single_for_cpu' : 'dma_sync_single_for_device', dir)
  if (!devNeedSync(env)) {
    env.debug.sync({ type: 'phy', devAddr: addr, size, dir }, toCpu)
    return
  }
  if (env.dev.dmaIommu) {
    if (toCpu) iommu.iommuDmaSyncSingleForCpu(env, addr, size, dir)
    else iommu.iommuDmaSyncSingleForDevice(env, addr, size, dir)
  } else if (toCpu) direct.directSyncSingleForCpu(env, addr, size, dir)
  else direct.directSyncSingleForDevice(env, addr, size, dir)
  env.debug.sync({ type: 'phy', devAddr: addr, size, dir }, toCpu)
}

export function syncSg(env: Env, sgt: SgTable, nents: number, dir: DmaDir, toCpu: boolean): void {
  checkDir(env, toCpu ? 'dma_sync_sg_for_cpu' : 'dma_sync_sg_for_device', dir)
  if (devNeedSync(env)) {
    if (env.dev.dmaIommu) {
      if (toCpu) iommu.iommuDmaSyncSgForCpu(env, sgt, nents, dir)
      else iommu.iommuDmaSyncSgForDevice(env, sgt, nents, dir)
    } else if (toCpu) direct.directSyncSgForCpu(env, sgt, nents, dir)
    else direct.directSyncSgForDevice(env, sgt, nents, dir)
  }
  for (let i = 0; i < Math.min(nents, sgt.nents); i++)
    env.debug.sync({ type: 'scatter-gather', devAddr: sgt.dmaAddress(i), size: BigInt(sgt.dmaLength(i)), dir, sgCallEnts: nents }, toCpu)
}

/** dma_need_unmap() (6.16+): evaluate after all mappings, the first bounce flips it. */
export function needUnmap(env: Env): boolean {
  if (env.dev.dmaIommu) return true
  if (!env.dev.dmaSkipSync) return true
  return env.dmaApiDebug
}

/** dma_max_mapping_size(). */
export function maxMappingSize(env: Env): bigint {
  const SIZE_MAX = U64_MAX
  if (env.dev.dmaIommu) return env.dev.untrusted && env.swiotlb ? Swiotlb.maxMappingSize(env) : SIZE_MAX
  if (env.swiotlb && (addressingLimited(env) || env.forceBounce)) return Swiotlb.maxMappingSize(env)
  return SIZE_MAX
}

/** dma_get_merge_boundary(): granule - 1 behind an IOMMU, 0 (cannot merge) otherwise. */
export function mergeBoundary(env: Env): bigint {
  return env.dev.dmaIommu && env.domain ? env.domain.gMask : 0n
}

/** dma_get_required_mask(). */
export function requiredMask(env: Env, topOfRam: bigint): bigint {
  if (env.dev.dmaIommu) return DMA_BIT_MASK(32)
  const maxDma = topOfRam - PAGE_SIZE_N
  const bits = fls(Number(maxDma >> 12n)) + 12
  return (1n << BigInt(bits - 1)) * 2n - 1n
}

/** dma_addressing_limited(). */
export function addressingLimited(env: Env, topOfRam?: bigint): boolean {
  const top = topOfRam ?? env.topOfRam
  return minNotZero(env.dev.dmaMask ?? 0n, env.dev.busDmaLimit) < requiredMask(env, top)
}

/** dma_alloc_attrs() for coherent memory: the memory the allocator returns is `phys`. */
export function allocCoherent(env: Env, phys: bigint, size: bigint): bigint {
  const handle = env.dev.dmaIommu ? iommu.iommuDmaAlloc(env, phys, size) : direct.directAlloc(env, phys, size)
  env.debug.allocCoherent(phys, handle, size)
  return handle
}

export function freeCoherent(env: Env, phys: bigint, size: bigint, handle: bigint): void {
  env.debug.unmap({ type: 'coherent', devAddr: handle, size, paddr: phys, dir: 0 })
  if (env.dev.dmaIommu) iommu.iommuDmaFree(env, handle, size)
  else direct.directFree(env, handle, size)
}

export const dirName = (d: DmaDir): string => DIR_NAME[d]
