/**
 * What the picture of one transaction shows, derived from the simulation
 * result (and the plan, for which regions a transaction maps and who
 * provides P2P memory): the physical ranges, the swiotlb slots, the IOVA
 * ranges and the hardware scatter-gather list, and the links between them.
 *
 * The result states the segments and where each region lies, but not which
 * bytes of a region a segment carries; that follows from how the simulator's
 * strategies lay a transaction out (pieces.ts). Everything else is read
 * from the result as it is.
 */
import type { MapStep, Plan } from '../plan/ir.js'
import type { SimResult, TransactionResult } from '../sim/result/schema.js'
import { big, hex, holes } from './hex.js'
import type { Span } from './hex.js'
import { iovaRanges } from './iova.js'
import { bounceSlots, IO_TLB_SIZE } from './bounce.js'
import { pieces } from './pieces.js'
import type { RawPiece } from './pieces.js'

export type RegionKind = SimResult['regions'][number]['kind']
/** How the device reaches a piece: through an IOVA, by PCI bus address, by physical address (dma-direct), or through a swiotlb slot. */
export type Route = 'iova' | 'bus' | 'direct' | 'bounce'
/** The bands of the picture, top to bottom. */
export type Band = 'phys' | 'bounce' | 'iova' | 'seg'

export interface PhysRange {
  readonly id: string
  readonly region: string
  readonly kind: RegionKind
  readonly phys: bigint
  readonly bytes: bigint
  /** The device whose BAR holds P2P memory. */
  readonly provider?: string
  readonly placed: 'plan' | 'model'
  /** Index into the palette: the region's colour follows its bytes through every band. */
  readonly color: number
}

export interface BounceSlots {
  readonly id: string
  /** Physical address of the first slot (in the swiotlb pool). */
  readonly start: bigint
  readonly len: bigint
  /** Index of the first slot in the pool, and how many. */
  readonly slot: number
  readonly slots: number
}

export interface IovaRange {
  readonly id: string
  readonly start: bigint
  readonly len: bigint
  /** The kernel call that allocated it, or 'segments' when only the DMA addresses of the list tell where it is. */
  readonly source: string
}

export interface Segment {
  readonly id: string
  readonly index: number
  readonly dma: bigint
  readonly len: bigint
  readonly entries: number
  readonly first: number
  /** Position on the device axis: offset in the transfer (or in the HMM mirror). */
  readonly at: bigint
  /** What kind of address the entry holds. */
  readonly addr: 'iova' | 'bus' | 'phys' | 'swiotlb'
}

/** A run of a region's bytes that one segment carries. */
export interface Piece extends RawPiece {
  readonly route: Route
}

export interface End {
  readonly id: string
  readonly band: Band
  /** Address on that band's axis: physical, swiotlb slot, IOVA, or the segment's DMA address. */
  readonly addr: bigint
}

export type LinkKind = 'iommu' | 'dma' | 'direct' | 'bus' | 'bounce'

export interface Link {
  readonly id: string
  readonly kind: LinkKind
  readonly from: End
  readonly to: End
  readonly len: bigint
  readonly region: string
  readonly color: number
}

export interface TxModel {
  readonly tx: TransactionResult
  readonly regions: readonly PhysRange[]
  readonly bounce: readonly BounceSlots[]
  readonly iova: readonly IovaRange[]
  readonly segments: readonly Segment[]
  readonly pieces: readonly Piece[]
  readonly links: readonly Link[]
  /** Region bytes no segment carries (HMM pages not faulted in, or a list shorter than the data). */
  readonly unreached: readonly { readonly region: number; readonly span: Span }[]
  /** The device axis: the whole transfer, or the HMM mirror page by page. */
  readonly view: { readonly total: bigint; readonly mirror: boolean; readonly page: bigint }
  readonly granule: bigint
  /** Facts the picture cannot show, said in words under it. */
  readonly notes: readonly string[]
}

/** The regions a transaction maps, in the order the plan lists them. */
export function txRegionNames(plan: Plan, tx: string): readonly string[] {
  const step = plan.steps.find((s): s is MapStep => s.op === 'map' && s.tx === tx)
  return step?.regions ?? []
}

export function txModel(result: SimResult, plan: Plan, tx: TransactionResult): TxModel {
  const granule = BigInt(result.platform.granule)
  const names = txRegionNames(plan, tx.name)
  const regions: PhysRange[] = []
  for (const name of names) {
    const r = result.regions.find((x) => x.name === name)
    if (r === undefined) continue
    const ir = plan.regions.find((x) => x.name === name)
    regions.push({
      id: `${tx.name}/phys/${name}`,
      region: name,
      kind: r.kind,
      phys: big(r.phys),
      bytes: big(r.bytes),
      ...(ir?.provider !== undefined ? { provider: ir.provider } : {}),
      placed: r.placed,
      color: regions.length,
    })
  }

  const pool = result.platform.swiotlb
  const poolSpan: Span | undefined = pool ? { start: big(pool.base), end: big(pool.base) + BigInt(pool.slots) * IO_TLB_SIZE } : undefined
  const inPool = (a: bigint): boolean => poolSpan !== undefined && a >= poolSpan.start && a < poolSpan.end
  const viaIommu = result.device.path === 'iommu'

  const laid = pieces(tx, regions)
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
  const all: Piece[] = laid.pieces.map((p) => ({ ...p, route: firstRoute.get(p.segment) ?? routeOf(p) }))
  const segments: Segment[] = tx.segments.map((s, i) => {
    const route = firstRoute.get(i) ?? (viaIommu ? 'iova' : 'direct')
    return {
      id: `${tx.name}/seg/${i}`,
      index: i,
      dma: big(s.dma),
      len: big(s.len),
      entries: s.entries,
      first: s.first,
      at: laid.segmentAt[i] ?? 0n,
      addr: route === 'iova' ? 'iova' : route === 'bus' ? 'bus' : route === 'bounce' ? 'swiotlb' : 'phys',
    }
  })

  const iova = viaIommu ? iovaRanges(tx, regions, all, granule) : []
  const bounce = bounceSlots(tx.name, segments, poolSpan)

  const links: Link[] = []
  const link = (kind: LinkKind, from: End, to: End, p: Piece): void => {
    const r = regions[p.region]
    links.push({ id: `${tx.name}/link/${links.length}`, kind, from, to, len: p.len, region: r?.region ?? '', color: r?.color ?? 0 })
  }
  for (const p of all) {
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
      link('iommu', phys, at, p)
      link('dma', at, seg, p)
    } else if (p.route === 'bounce') {
      const slots = bounce.find((b) => p.dma >= b.start && p.dma + p.len <= b.start + b.len)
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
      const covered = all.filter((p) => p.region === i).map((p) => ({ start: p.offset, end: p.offset + p.len }))
      for (const span of holes(0n, r.bytes, covered)) unreached.push({ region: i, span })
    })

  const notes: string[] = []
  const c = tx.counters
  if (viaIommu && c.bounceSlots > 0)
    notes.push(
      `${c.bounceSlots} swiotlb slot${c.bounceSlots === 1 ? ' was' : 's were'} used behind the IOMMU (a sub-granule buffer of an untrusted device, or an unaligned IOVA link): the result does not say which IOVA granules map to bounce slots, so the slots are not drawn.`,
    )
  if (!viaIommu && bounce.length === 0 && c.bounceSlots > 0)
    notes.push(`${c.bounceSlots} swiotlb slot${c.bounceSlots === 1 ? ' was' : 's were'} allocated and released again; no entry of a list points at them, so they are not drawn.`)
  if (!viaIommu && bounce.length > 0) {
    const drawn = bounce.reduce((n, b) => n + b.slots, 0)
    if (drawn !== c.bounceSlots)
      notes.push(`The slots are drawn from the segments' DMA addresses (${drawn} slot${drawn === 1 ? '' : 's'}); the kernel counted ${c.bounceSlots} slot allocations over the transaction's life.`)
  }
  const total = regions.reduce((n, r) => n + r.bytes, 0n)
  if (!laid.mirror && tx.segments.length > 0) {
    const listed = segments.reduce((n, s) => n + s.len, 0n)
    if (listed < total) notes.push(`The scatter-gather list covers ${hex(listed)} of the transaction's ${hex(total)} bytes: the device cannot reach the rest.`)
    if (listed > total) notes.push(`The scatter-gather list is ${hex(listed - total)} bytes longer than the data it maps (hatched): the device would touch memory past it.`)
  }
  if (tx.strategy === 'coherent' && result.platform.coco && tx.segments.length > 0)
    notes.push('In a confidential guest dma_alloc_coherent() decrypts the allocation (set_memory_decrypted()): the device reaches it directly, without bouncing.')
  if (tx.status === 'failed') notes.push(`The mapping failed${tx.error ? `: ${tx.error}` : ''}. What was allocated before the failure is drawn; the error path released it.`)

  return {
    tx,
    regions,
    bounce,
    iova,
    segments,
    pieces: all,
    links,
    unreached,
    view: { total: laid.total, mirror: laid.mirror, page: laid.page },
    granule,
    notes,
  }
}
