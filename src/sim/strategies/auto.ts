/**
 * Strategy "auto": the dispatch from the seed thread. Per region:
 * switch-local P2P memory by bus address; host memory behind a translating
 * IOMMU (6.16+) linked into one IOVA range when the host regions meet the
 * IOVA rule (only the first may start and only the last may end off the
 * granule, R6); everything else (no IOMMU, encrypted memory, host-bridge
 * P2P, unaligned host regions, no IOVA space) mapped range by range.
 *
 *   if (host regions can share an IOVA && dma_iova_try_alloc(dev, &state, phys(first host), host_total))
 *       dma_iova_link() each host region; dma_iova_sync();       (unwind: dma_iova_destroy)
 *   for each region in order:
 *       bus:   pci_p2pdma_state() == BUS_ADDR; pci_p2pdma_bus_addr_map()
 *       other: dma_map_phys() per piece, dma_mapping_error()    (unwind: unmap all, destroy)
 *   need_unmap = dma_need_unmap(dev)                              (6.16+; always unmap before)
 * unmap: dma_iova_destroy() if used; dma_unmap_phys() each remembered piece.
 */
import { MMIO, SIZEOF_DMA_IOVA_STATE } from '../consts.js'
import { newIovaState } from '../dma/iova-api.js'
import { newP2pState } from '../dma/p2pdma.js'
import type { RegionInfo } from '../run/regions.js'
import { syncIovaRange } from './iova-sync.js'
import { mapRegionRanges, syncRanges, unmapRange } from './ranges.js'
import type { RangeMapping } from './ranges.js'
import { BufferView, segmentsOf } from './strategy.js'
import type { MapOutcome, TxContext } from './strategy.js'

/** R6 for a sequence of regions on a granule. */
export function iovaCompatible(regions: readonly RegionInfo[], granule: bigint): boolean {
  return regions.every((r, i) => (i === 0 || r.phys % granule === 0n) && (i === regions.length - 1 || (r.phys + r.bytes) % granule === 0n))
}

export function mapAuto(ctx: TxContext): MapOutcome {
  const { api, m, regions } = ctx
  const g = BigInt(m.domain?.granule ?? 4096)
  const hostIdx = regions.map((r, i) => (r.kind === 'normal' ? i : -1)).filter((i) => i >= 0)
  const host = hostIdx.map((i) => regions[i] as RegionInfo)
  const wantIova = m.dev.dmaIommu && m.has('dma-iova-api') && host.length > 0 && iovaCompatible(host, g)
  const state = newIovaState()
  const iovaOff = new Map<number, bigint>()
  let hostTotal = 0n
  if (
    wantIova &&
    api.dma_iova_try_alloc(
      state,
      (host[0] as RegionInfo).phys,
      host.reduce((n, r) => n + r.bytes, 0n),
    )
  ) {
    for (const i of hostIdx) {
      const r = regions[i] as RegionInfo
      const err = api.dma_iova_link(state, r.phys, hostTotal, r.bytes, ctx.dir, ctx.attrs)
      if (err) {
        api.dma_iova_destroy(state, hostTotal, ctx.dir, ctx.attrs)
        return { ok: false, error: `dma_iova_link() of ${r.name} failed (${err})` }
      }
      iovaOff.set(i, hostTotal)
      hostTotal += r.bytes
    }
    const err = api.dma_iova_sync(state, 0n, hostTotal)
    if (err) {
      api.dma_iova_destroy(state, hostTotal, ctx.dir, ctx.attrs)
      return { ok: false, error: `dma_iova_sync() failed (${err})` }
    }
  }
  const useIova = state.size !== 0n
  const p2p = newP2pState()
  const max = api.dma_max_mapping_size()
  const ranges: RangeMapping[] = []
  const pieces: { region: number; dma: bigint; len: bigint; iova: boolean }[] = []
  const bus: { dma: bigint; len: bigint }[] = []
  const unwind = () => {
    for (let n = ranges.length - 1; n >= 0; n--) unmapRange(ctx, ranges[n] as RangeMapping)
    for (const b of bus) m.windows.close(b.dma, b.len)
    if (useIova) api.dma_iova_destroy(state, hostTotal, ctx.dir, ctx.attrs)
  }
  for (let i = 0; i < regions.length; i++) {
    const r = regions[i] as RegionInfo
    const off = iovaOff.get(i)
    if (off !== undefined) {
      pieces.push({ region: i, dma: state.addr + off, len: r.bytes, iova: true })
      continue
    }
    if (r.kind === 'p2p-bus') {
      const t = api.pci_p2pdma_state(p2p, r.phys)
      if (t !== 'PCI_P2PDMA_MAP_BUS_ADDR') {
        unwind()
        return { ok: false, error: `${r.name}: pci_p2pdma_state() is ${t} (-EREMOTEIO)` }
      }
      const dma = api.pci_p2pdma_bus_addr_map(p2p, r.phys)
      m.windows.open(dma, r.bytes, 'pci bus address')
      bus.push({ dma, len: r.bytes })
      pieces.push({ region: i, dma, len: r.bytes, iova: false })
      continue
    }
    const before = ranges.length
    if (!mapRegionRanges({ ...ctx, attrs: ctx.attrs & ~MMIO }, i, max, ranges)) {
      unwind()
      return { ok: false, error: `mapping ${r.name} failed (DMA_MAPPING_ERROR)` }
    }
    for (const rm of ranges.slice(before)) pieces.push({ region: i, dma: rm.addr, len: rm.len, iova: false })
  }
  const needUnmap = ranges.length === 0 || !m.has('dma-need-unmap') || api.dma_need_unmap()
  // The device's list: consecutive IOVA pieces are one DMA range.
  const segs: { dma: bigint; len: bigint }[] = []
  let prevIova = false
  for (const p of pieces) {
    const last = segs[segs.length - 1]
    if (p.iova && prevIova && last !== undefined && last.dma + last.len === p.dma) last.len += p.len
    else segs.push({ dma: p.dma, len: p.len })
    prevIova = p.iova
  }
  const view = new BufferView(regions, segs)
  const paths = [useIova ? 'iova' : '', bus.length ? 'bus address' : '', ranges.length ? 'per-range' : ''].filter((s) => s)
  return {
    ok: true,
    mapping: {
      path: `auto: ${paths.join(' + ')}`,
      segments: () => segmentsOf(segs),
      locate: (r, o, l) => view.locate(r, o, l),
      sync: (toCpu, region) => {
        for (const [i, off] of iovaOff) {
          const r = regions[i] as RegionInfo
          if (region === undefined || region === i) syncIovaRange(ctx, state.addr + off, r.phys, r.bytes, toCpu)
        }
        syncRanges(ctx, ranges, toCpu, region)
      },
      unmap: () => {
        if (useIova) api.dma_iova_destroy(state, hostTotal, ctx.dir, ctx.attrs)
        if (needUnmap) for (const rm of ranges) unmapRange(ctx, rm)
        else for (const rm of ranges) m.forgetMapping(rm.addr, rm.len)
        for (const b of bus) m.windows.close(b.dma, b.len)
      },
      metadataBytes: () => (useIova ? SIZEOF_DMA_IOVA_STATE : 0) + (needUnmap ? ranges.length * 16 : 0) + bus.length * 8,
      stateBytes: () => 0,
    },
  }
}
