/**
 * Per-range streaming mappings, shared by the page strategy, the IOVA
 * strategy's fallback and auto: each region is mapped on its own, cut into
 * pieces of at most dma_max_mapping_size() (a bounced mapping cannot exceed
 * one swiotlb segment, K-S2), with dma_map_phys() from 6.18 and
 * dma_map_page_attrs()/dma_map_resource() before. Host-bridge P2P memory is
 * MMIO: DMA_ATTR_MMIO from 6.18, dma_map_resource() before.
 */
import { MMIO } from '../consts.js'
import type { RegionInfo } from '../run/regions.js'
import type { TxContext } from './strategy.js'

export interface RangeMapping {
  readonly region: number
  readonly regionOffset: bigint
  readonly addr: bigint
  readonly len: bigint
  readonly how: 'phys' | 'page' | 'resource'
  readonly attrs: number
}

export function isMmio(r: RegionInfo): boolean {
  return r.kind === 'p2p-host-bridge'
}

/** Map region ri into `out`; false (after recording nothing more) when a map fails. */
export function mapRegionRanges(ctx: TxContext, ri: number, maxLen: bigint, out: RangeMapping[]): boolean {
  const { api } = ctx
  const r = ctx.regions[ri] as RegionInfo
  const mmio = isMmio(r)
  for (let off = 0n; off < r.bytes;) {
    const len = r.bytes - off < maxLen ? r.bytes - off : maxLen
    const phys = r.phys + off
    let addr: bigint
    let how: RangeMapping['how']
    let attrs = ctx.attrs
    if (ctx.m.has('dma-map-phys')) {
      if (mmio) attrs |= MMIO
      addr = api.dma_map_phys(phys, len, ctx.dir, attrs)
      how = 'phys'
    } else if (mmio) {
      addr = api.dma_map_resource(phys, len, ctx.dir, attrs)
      how = 'resource'
    } else {
      addr = api.dma_map_page_attrs(phys, len, ctx.dir, attrs)
      how = 'page'
    }
    if (api.dma_mapping_error(addr)) return false
    out.push({ region: ri, regionOffset: off, addr, len, how, attrs })
    off += len
  }
  return true
}

export function unmapRange(ctx: TxContext, m: RangeMapping): void {
  const { api } = ctx
  if (m.how === 'phys') api.dma_unmap_phys(m.addr, m.len, ctx.dir, m.attrs)
  else if (m.how === 'resource') api.dma_unmap_resource(m.addr, m.len, ctx.dir, m.attrs)
  else api.dma_unmap_page_attrs(m.addr, m.len, ctx.dir, m.attrs)
}

export function syncRanges(ctx: TxContext, list: readonly RangeMapping[], toCpu: boolean, region: number | undefined): void {
  for (const m of list) {
    if (region !== undefined && m.region !== region) continue
    if (toCpu) ctx.api.dma_sync_single_for_cpu(m.addr, m.len, ctx.dir)
    else ctx.api.dma_sync_single_for_device(m.addr, m.len, ctx.dir)
  }
}
