/**
 * dma-direct (kernel/dma/direct.[ch], K-R4 to K-R12): the DMA address is the
 * physical address (no dma_range_map on the modelled platforms); a mapping
 * the device cannot reach bounces through swiotlb when the pool exists and
 * fails with the overflow warning otherwise; non-coherent devices get cache
 * maintenance. Versions: dma_direct_map_phys() with DMA_ATTR_MMIO from 6.18,
 * dma_direct_map_page()/map_resource() before.
 */
import { minNotZero } from '../addr.js'
import { DMA_FROM_DEVICE, DMA_MAPPING_ERROR, MMIO, REQUIRE_COHERENT, SKIP_CPU_SYNC, ERRNO } from '../consts.js'
import type { DmaDir } from '../consts.js'
import { archSyncDmaForCpu, archSyncDmaForDevice } from './arch.js'
import type { Env } from './env.js'
import { dmaKmallocNeedsBounce } from './kmalloc.js'
import { newP2pState } from './p2pdma.js'
import type { SgTable } from './scatterlist.js'

/** dma_capable() (K-R7): 64-bit dma_addr_t, so only the mask/bus limit matters. */
export function dmaCapable(env: Env, addr: bigint, size: bigint, _isRam: boolean): boolean {
  if (addr === DMA_MAPPING_ERROR) return false
  const mask = env.dev.dmaMask ?? 0n
  return addr + size - 1n <= minNotZero(mask, env.dev.busDmaLimit)
}

/** phys_to_dma(): identity (no dma_range_map; the memory-encryption bit is not modelled). */
export const physToDma = (phys: bigint): bigint => phys
export const dmaToPhys = (dma: bigint): bigint => dma

/** %pad: a dma_addr_t as 0x plus 16 hex digits. */
const pad = (v: bigint): string => `0x${v.toString(16).padStart(16, '0')}`

function overflow(env: Env, what: 'DMA' | 'swiotlb', addr: bigint, size: bigint): void {
  env.warnOnce(
    `${what}-overflow`,
    what === 'DMA' ? 'R6' : 'S9',
    `${env.dev.name} ${env.dev.bdf}: ${what === 'DMA' ? 'DMA' : 'swiotlb'} addr ${pad(addr)}+${size} overflow (mask ${(env.dev.dmaMask ?? 0n).toString(16)}, bus limit ${env.dev.busDmaLimit.toString(16)}).`,
  )
}

/** swiotlb_map() (K-S9: the bounce address itself must be reachable). */
export function swiotlbMap(env: Env, phys: bigint, size: bigint, dir: DmaDir, attrs: number): bigint {
  const pool = env.swiotlb
  if (pool === undefined) {
    env.warnOnce(
      'no-swiotlb',
      'S8',
      `${env.dev.name} ${env.dev.bdf}: Can not allocate SWIOTLB buffer earlier and can't now provide you with the DMA bounce buffer`,
    )
    return DMA_MAPPING_ERROR
  }
  const tlb = pool.tblMapSingle(env, phys, Number(size), 0, dir, attrs)
  if (tlb === DMA_MAPPING_ERROR) return DMA_MAPPING_ERROR
  const dma = physToDma(tlb)
  if (!dmaCapable(env, dma, size, true)) {
    pool.tblUnmapSingle(env, tlb, Number(size), dir, attrs | SKIP_CPU_SYNC)
    overflow(env, 'swiotlb', dma, size)
    return DMA_MAPPING_ERROR
  }
  if (!env.dev.coherent && !(attrs & SKIP_CPU_SYNC)) archSyncDmaForDevice(env, tlb, size, dir)
  env.windows.open(dma, size, 'swiotlb')
  return dma
}

/**
 * dma_direct_map_phys() (6.18+) and dma_direct_map_page() (before). `p2p`
 * marks a P2P page on the page-based path, which may never bounce.
 */
export function directMapPhys(env: Env, phys: bigint, size: bigint, dir: DmaDir, attrs: number, p2p = false): bigint {
  const mmio = env.has('dma-map-phys') && (attrs & MMIO) !== 0
  const requireCoherent = env.has('dma-attr-require-coherent') && (attrs & REQUIRE_COHERENT) !== 0
  if (env.forceBounce) {
    if (mmio || requireCoherent || p2p) return DMA_MAPPING_ERROR
    return swiotlbMap(env, phys, size, dir, attrs)
  }
  let dma: bigint
  if (mmio) {
    dma = phys
    if (!dmaCapable(env, dma, size, false)) {
      overflow(env, 'DMA', dma, size)
      return DMA_MAPPING_ERROR
    }
  } else {
    dma = physToDma(phys)
    if (!dmaCapable(env, dma, size, true) || dmaKmallocNeedsBounce(env.dev, size, dir)) {
      if (p2p) return DMA_MAPPING_ERROR
      if (env.swiotlb !== undefined && !requireCoherent) return swiotlbMap(env, phys, size, dir, attrs)
      overflow(env, 'DMA', dma, size)
      return DMA_MAPPING_ERROR
    }
  }
  if (!env.dev.coherent && !(attrs & (SKIP_CPU_SYNC | MMIO))) archSyncDmaForDevice(env, phys, size, dir)
  env.windows.open(dma, size, mmio ? 'dma-direct MMIO' : 'dma-direct')
  return dma
}

/** dma_direct_map_resource() (before 6.18): the physical address unchanged, no bounce. */
export function directMapResource(env: Env, phys: bigint, size: bigint): bigint {
  if (!dmaCapable(env, phys, size, false)) {
    overflow(env, 'DMA', phys, size)
    return DMA_MAPPING_ERROR
  }
  env.windows.open(phys, size, 'dma-direct resource')
  return phys
}

export function directSyncSingleForCpu(env: Env, addr: bigint, size: bigint, dir: DmaDir): void {
  const paddr = dmaToPhys(addr)
  if (!env.dev.coherent) archSyncDmaForCpu(env, paddr, size, dir)
  if (env.swiotlb?.isBuffer(paddr)) env.swiotlb.syncForCpu(env, paddr, Number(size), dir)
  void DMA_FROM_DEVICE
}

export function directSyncSingleForDevice(env: Env, addr: bigint, size: bigint, dir: DmaDir): void {
  const paddr = dmaToPhys(addr)
  if (env.swiotlb?.isBuffer(paddr)) env.swiotlb.syncForDevice(env, paddr, Number(size), dir)
  if (!env.dev.coherent) archSyncDmaForDevice(env, paddr, size, dir)
}

/** dma_direct_unmap_phys()/unmap_page() (K-R9). */
export function directUnmapPhys(env: Env, addr: bigint, size: bigint, dir: DmaDir, attrs: number): void {
  env.windows.close(addr, size)
  if (env.has('dma-map-phys') && attrs & MMIO) return
  if (env.has('dma-attr-require-coherent') && attrs & REQUIRE_COHERENT) return
  const phys = dmaToPhys(addr)
  if (!(attrs & SKIP_CPU_SYNC)) directSyncSingleForCpu(env, addr, size, dir)
  if (env.swiotlb?.isBuffer(phys)) env.swiotlb.tblUnmapSingle(env, phys, Number(size), dir, attrs | SKIP_CPU_SYNC)
}

/**
 * dma_direct_map_sg() (K-R10): one DMA segment per entry, never merged.
 * Returns nents or -errno after unmapping what was done.
 */
export function directMapSg(env: Env, sgt: SgTable, nents: number, dir: DmaDir, attrs: number): number {
  const st = newP2pState()
  for (let i = 0; i < Math.min(nents, sgt.origNents); i++) {
    const phys = sgt.phys(i)
    const length = sgt.length(i)
    const map = env.p2p.state(st, phys)
    let p2pPage = false
    if (map !== 'PCI_P2PDMA_MAP_NONE') {
      if (map === 'PCI_P2PDMA_MAP_BUS_ADDR') {
        const bus = env.p2p.busAddr(st, phys)
        sgt.setDmaAddress(i, bus)
        // Until d0d08f4bd7f6 (6.18) the length stays what sg_init_table() left: 0.
        sgt.setDmaLength(i, env.has('direct-sg-bus-addr-length-unset') ? 0 : length)
        sgt.setBusAddress(i, true)
        env.windows.open(bus, BigInt(length), 'pci bus address')
        continue
      }
      if (map !== 'PCI_P2PDMA_MAP_THRU_HOST_BRIDGE') {
        directUnmapSg(env, sgt, i, dir, attrs | SKIP_CPU_SYNC)
        return -ERRNO.EREMOTEIO
      }
      if (env.has('direct-sg-host-bridge-unmapped')) {
        // The 6.16 refactor breaks out of the switch instead of falling through: the entry keeps
        // the dma_address sg_init_table() gave it (0) while its length is set.
        env.reporter.report(
          'R10',
          'warning',
          'kernel',
          `${env.dev.name} ${env.dev.bdf}: dma_direct_map_sg() leaves host-bridge P2P entry ${i} unmapped (dma_address 0, kernel bug fixed in 7.1 by 560000d619ef)`,
        )
        sgt.setDmaLength(i, length)
        continue
      }
      // Before 6.18 the page path refuses to bounce a P2P page; from 7.1 (560000d619ef) it maps it like RAM.
      p2pPage = !env.has('dma-map-phys')
    }
    const addr = directMapPhys(env, phys, BigInt(length), dir, attrs, p2pPage)
    sgt.setDmaAddress(i, addr)
    if (addr === DMA_MAPPING_ERROR) {
      directUnmapSg(env, sgt, i, dir, attrs | SKIP_CPU_SYNC)
      return -ERRNO.EIO
    }
    sgt.setDmaLength(i, length)
  }
  return nents
}

/** dma_direct_unmap_sg(): bus-address entries need nothing. */
export function directUnmapSg(env: Env, sgt: SgTable, nents: number, dir: DmaDir, attrs: number): void {
  for (let i = 0; i < Math.min(nents, sgt.origNents); i++) {
    if (sgt.busAddress(i)) {
      env.windows.close(sgt.dmaAddress(i), BigInt(sgt.dmaLength(i)))
      sgt.setBusAddress(i, false)
    } else directUnmapPhys(env, sgt.dmaAddress(i), BigInt(sgt.dmaLength(i)), dir, attrs)
  }
}

export function directSyncSgForCpu(env: Env, sgt: SgTable, nents: number, dir: DmaDir): void {
  for (let i = 0; i < Math.min(nents, sgt.origNents); i++) if (!sgt.busAddress(i)) directSyncSingleForCpu(env, sgt.dmaAddress(i), BigInt(sgt.length(i)), dir)
}

export function directSyncSgForDevice(env: Env, sgt: SgTable, nents: number, dir: DmaDir): void {
  for (let i = 0; i < Math.min(nents, sgt.origNents); i++) if (!sgt.busAddress(i)) directSyncSingleForDevice(env, sgt.dmaAddress(i), BigInt(sgt.length(i)), dir)
}

/**
 * dma_direct_alloc(): the page allocator's memory (the region's placement,
 * chosen below the coherent mask), zeroed; decrypted in a confidential
 * guest; remapped uncached for a non-coherent device.
 */
export function directAlloc(env: Env, phys: bigint, size: bigint): bigint {
  const mask = minNotZero(env.dev.coherentDmaMask, env.dev.busDmaLimit)
  if (phys + size - 1n > mask) return DMA_MAPPING_ERROR
  // memset() through the cache, then arch_dma_prep_coherent() writes it back: what the CPU had dirty there before is gone (kernel/dma/direct.c dma_direct_alloc()).
  env.cache?.markUncached(phys, size)
  env.mem.zero(phys, size)
  env.windows.open(phys, size, 'coherent')
  return phys
}

export function directFree(env: Env, dma: bigint, size: bigint): void {
  env.windows.close(dma, size)
}
