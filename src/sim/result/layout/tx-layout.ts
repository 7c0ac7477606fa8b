/**
 * The layout of one transaction from a simulation result and the plan it
 * came from (which regions the transaction maps, who provides P2P memory):
 * its physical ranges, the swiotlb slots and IOVA ranges the simulator
 * recorded where it allocated them (the result's `allocations`), its
 * hardware segments, and the links between them. The report only lays this
 * out.
 *
 * @example
 * import { simulate, txLayout } from 'dmaplan/sim'
 * const result = simulate(plan)
 * const io = txLayout(result, plan, result.transactions[0])
 * io.links.filter((l) => l.kind === 'iommu')   // physical -> IOVA, per piece
 */
import type { MapStep, Plan } from '../../../plan/ir.js'
import { alignDown, alignUp } from '../../addr.js'
import { PAGE_SIZE } from '../../consts.js'
import type { SimResult, TransactionResult } from '../schema.js'
import { bounceAddresses, bounceSlots, swiotlbPool } from './bounce-slots.js'
import { deviceView } from './device-view.js'
import { iovaRanges } from './iova-ranges.js'
import { holes } from './span.js'
import type { BounceSlots, End, Link, LinkKind, PhysRange, Piece, Route, Segment, Span, TxLayout } from './types.js'

/** The regions a transaction maps, in the order the plan lists them. */
export function txRegionNames(plan: Plan, tx: string): readonly string[] {
  const step = plan.steps.find((s): s is MapStep => s.op === 'map' && s.tx === tx)
  return step?.regions ?? []
}

function physRanges(result: SimResult, plan: Plan, tx: TransactionResult, page: bigint): PhysRange[] {
  const regions: PhysRange[] = []
  for (const name of txRegionNames(plan, tx.name)) {
    const r = result.regions.find((x) => x.name === name)
    if (r === undefined) continue
    const ir = plan.regions.find((x) => x.name === name)
    const phys = BigInt(r.phys)
    const bytes = BigInt(r.bytes)
    const first = alignDown(phys, page)
    regions.push({
      id: `${tx.name}/phys/${name}`,
      region: name,
      kind: r.kind,
      phys,
      bytes,
      pages: { start: first, len: alignUp(phys + bytes, page) - first },
      ...(ir?.provider !== undefined ? { provider: ir.provider } : {}),
      placed: r.placed,
    })
  }
  return regions
}

export function txLayout(result: SimResult, plan: Plan, tx: TransactionResult): TxLayout {
  const page = BigInt(PAGE_SIZE)
  const granule = BigInt(result.platform.granule)
  const regions = physRanges(result, plan, tx, page)
  const pool = swiotlbPool(result)
  const inPool = (a: bigint): boolean => pool !== undefined && a >= pool.start && a < pool.end
  const viaIommu = result.device.path === 'iommu'

  const laid = deviceView(tx, regions)
  const routeOf = (p: { region: number; phys: bigint; dma: bigint }): Route => {
    const r = regions[p.region]
    if (r?.kind === 'p2p-bus') return 'bus'
    if (viaIommu) return 'iova'
    return inPool(p.dma) && !inPool(p.phys) ? 'bounce' : 'direct'
  }
  // A segment goes one way as a whole: its first piece says which (a bus-address entry that the
  // kernel gave a longer length, sg-bus-addr-head-length, still reaches past its region by bus address).
  const firstRoute = new Map<number, Route>()
  for (const p of laid.pieces) if (!firstRoute.has(p.segment)) firstRoute.set(p.segment, routeOf(p))
  const pieces: Piece[] = laid.pieces.map((p) => ({ ...p, route: firstRoute.get(p.segment) ?? routeOf(p) }))
  const segments: Segment[] = laid.segments.map((s, i) => {
    const route = firstRoute.get(i) ?? (viaIommu ? 'iova' : 'direct')
    return {
      id: `${tx.name}/seg/${s.index}`,
      index: s.index,
      dma: s.dma,
      len: s.len,
      entries: s.entries,
      first: s.first,
      ...(s.repeat !== undefined ? { repeat: s.repeat } : {}),
      at: laid.segmentAt[i] ?? 0n,
      addr: route === 'iova' ? 'iova' : route === 'bus' ? 'bus' : route === 'bounce' ? 'swiotlb' : 'phys',
    }
  })

  const iova = viaIommu ? iovaRanges(tx, granule) : []
  const bounce = bounceSlots(tx, pool)
  const slotAt = (addr: bigint, len: bigint): BounceSlots | undefined => bounce.find((b) => addr >= b.start && addr + len <= b.start + b.len)
  const bouncedAt = bounceAddresses(tx)

  const links: Link[] = []
  const link = (kind: LinkKind, from: End, to: End, p: Piece): void => {
    links.push({ id: `${tx.name}/link/${links.length}`, kind, from, to, len: p.len, region: regions[p.region]?.region ?? '', regionIndex: p.region })
  }
  for (const p of pieces) {
    const r = regions[p.region]
    const s = segments[p.segment]
    if (r === undefined || s === undefined) continue
    const phys: End = { id: r.id, band: 'phys', addr: p.phys }
    const seg: End = { id: s.id, band: 'seg', addr: p.dma }
    if (p.route === 'iova') {
      const range = iova.find((x) => p.dma >= x.start && p.dma + p.len <= x.start + x.len)
      if (range === undefined) {
        link('iommu', phys, seg, p)
        continue
      }
      const at: End = { id: range.id, band: 'iova', addr: p.dma }
      // Behind the IOMMU a bounced piece goes memory -> slot -> IOVA (iommu_dma_map_phys() maps the slot).
      const b = bouncedAt(p.phys, p.len)
      const slots = b === undefined ? undefined : slotAt(b, p.len)
      if (b !== undefined && slots !== undefined) {
        const slot: End = { id: slots.id, band: 'bounce', addr: b }
        link('bounce', phys, slot, p)
        link('iommu', slot, at, p)
      } else link('iommu', phys, at, p)
      link('dma', at, seg, p)
    } else if (p.route === 'bounce') {
      const slots = slotAt(p.dma, p.len)
      if (slots === undefined) {
        link('direct', phys, seg, p)
        continue
      }
      link('bounce', phys, { id: slots.id, band: 'bounce', addr: p.dma }, p)
      link('direct', { id: slots.id, band: 'bounce', addr: p.dma }, seg, p)
    } else link(p.route, phys, seg, p)
  }

  const unreached: { region: number; span: Span }[] = []
  if (tx.segments.length > 0)
    regions.forEach((r, i) => {
      const covered = pieces.filter((p) => p.region === i).map((p) => ({ start: p.offset, end: p.offset + p.len }))
      for (const span of holes(0n, r.bytes, covered)) unreached.push({ region: i, span })
    })

  return {
    tx,
    regions,
    bounce,
    iova,
    segments,
    pieces,
    links,
    unreached,
    view: { total: laid.total, mirror: laid.mirror, page: laid.page },
    page,
    granule,
    pool,
  }
}
