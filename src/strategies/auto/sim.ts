/**
 * Strategy "auto": the dispatch a driver of the two-step IOVA API writes. Per region:
 * switch-local P2P memory by bus address; host memory linked into one IOVA
 * range (6.16+) when the host regions meet the IOVA rule (only the first
 * may start and only the last may end off the granule, plan rule R6) and the kernel
 * gives one (a translating IOMMU with IOVA space: the driver cannot know,
 * it asks dma_iova_try_alloc()); everything else (no IOMMU, encrypted
 * memory, host-bridge P2P, unaligned host regions, no IOVA space) mapped
 * range by range. The bus addresses come from a scatterlist of the peer
 * regions (a module cannot call pci_p2pdma_state(): p2p-bus.ts).
 *
 *   if (host regions can share an IOVA && dma_iova_try_alloc(dev, &state, phys(first host), host_total))
 *       dma_iova_link() each host region; dma_iova_sync();       (unwind: dma_iova_destroy)
 *   if (peer regions) sg_alloc_table(); dma_map_sgtable(); every entry a bus address
 *                                                                (unwind: unmap, free, destroy)
 *   for each region in order:
 *       bus:   its entries of the peer table
 *       other: dma_map_phys() per piece, dma_mapping_error()    (unwind: unmap all, the table, destroy)
 *   need_unmap = dma_need_unmap(dev)                              (6.16+; always unmap before)
 * unmap: dma_iova_destroy() if used; dma_unmap_phys() each remembered piece;
 *        dma_unmap_sgtable() and sg_free_table() of the peer table.
 */
import { MMIO, SIZEOF_DMA_IOVA_STATE } from '../../sim/consts.js'
import { newIovaState } from '../../sim/dma/iova-api.js'
import { sgTableBytes } from '../../sim/dma/scatterlist.js'
import type { SgTable } from '../../sim/dma/scatterlist.js'
import type { RegionInfo } from '../../sim/run/regions.js'
import { granuleOf, syncIovaRange } from '../../sim/strategies/iova-sync.js'
import { notBusAddresses } from '../p2p-bus/sim.js'
import { mapRegionRanges, syncRanges, unmapRange } from '../../sim/strategies/ranges.js'
import type { RangeMapping } from '../../sim/strategies/ranges.js'
import { BufferView, segmentsOf } from '../../sim/strategies/strategy.js'
import type { MapOutcome, TxContext } from '../../sim/strategies/strategy.js'

/** Plan rule R6 for a sequence of regions on a granule. */
export function iovaCompatible(regions: readonly RegionInfo[], granule: bigint): boolean {
  return regions.every((r, i) => (i === 0 || r.phys % granule === 0n) && (i === regions.length - 1 || (r.phys + r.bytes) % granule === 0n))
}

export function mapAuto(ctx: TxContext): MapOutcome {
  const { api, m, regions } = ctx
  const g = granuleOf(api)
  const hostIdx = regions.map((r, i) => (r.kind === 'normal' ? i : -1)).filter((i) => i >= 0)
  const host = hostIdx.map((i) => regions[i] as RegionInfo)
  const wantIova = m.has('dma-iova-api') && host.length > 0 && iovaCompatible(host, g)
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
  const peers = regions.filter((r) => r.kind === 'p2p-bus')
  let busTable: SgTable | undefined
  const dropBus = () => {
    if (busTable === undefined) return
    api.dma_unmap_sgtable(busTable, ctx.dir, 0)
    api.sg_free_table(busTable)
  }
  const destroy = () => {
    if (useIova) api.dma_iova_destroy(state, hostTotal, ctx.dir, ctx.attrs)
  }
  if (peers.length > 0) {
    const sgt = api.sg_alloc_table(peers.map((r) => ({ region: r.name, phys: r.phys, len: r.bytes })))
    if (typeof sgt === 'number') {
      destroy()
      return { ok: false, error: `sg_alloc_table() failed (${sgt})` }
    }
    const ret = api.dma_map_sgtable(sgt, ctx.dir, 0)
    if (ret) {
      api.sg_free_table(sgt)
      destroy()
      return { ok: false, error: `dma_map_sgtable() of the peer memory failed (${ret})` }
    }
    busTable = sgt
    const other = notBusAddresses(sgt)
    if (other > 0) {
      dropBus()
      destroy()
      return { ok: false, error: `${other} of ${sgt.nents} DMA segments of the peer memory are not PCI bus addresses (-EREMOTEIO)` }
    }
  }
  const max = api.dma_max_mapping_size()
  const ranges: RangeMapping[] = []
  const pieces: { region: number; dma: bigint; len: bigint; iova: boolean }[] = []
  const unwind = () => {
    for (let n = ranges.length - 1; n >= 0; n--) unmapRange(ctx, ranges[n] as RangeMapping)
    dropBus()
    destroy()
  }
  for (let i = 0; i < regions.length; i++) {
    const r = regions[i] as RegionInfo
    const off = iovaOff.get(i)
    if (off !== undefined) {
      pieces.push({ region: i, dma: state.addr + off, len: r.bytes, iova: true })
      continue
    }
    if (r.kind === 'p2p-bus' && busTable !== undefined) {
      // Bus-address entries are never merged: DMA segment k is entry k.
      for (let k = 0; k < busTable.nents; k++) {
        if (busTable.region(k) === r.name) pieces.push({ region: i, dma: busTable.dmaAddress(k), len: BigInt(busTable.dmaLength(k)), iova: false })
      }
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
  const paths = [useIova ? 'iova' : '', busTable ? 'bus address' : '', ranges.length ? 'per-range' : ''].filter((s) => s)
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
        destroy()
        if (needUnmap) for (const rm of ranges) unmapRange(ctx, rm)
        else for (const rm of ranges) api.dma_unmap_skipped(rm.addr, rm.len)
        dropBus()
      },
      metadataBytes: () => (useIova ? SIZEOF_DMA_IOVA_STATE : 0) + (needUnmap ? ranges.length * 16 : 0) + (busTable ? sgTableBytes(busTable) : 0),
      stateBytes: () => 0,
    },
  }
}
