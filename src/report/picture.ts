/**
 * The SVG picture of one transaction: bands from the CPU's side to the
 * device's (physical memory, swiotlb slots, IOVA space, the hardware
 * scatter-gather list), each on its own broken axis, and the links between
 * them as ribbons in the colour of the region whose bytes they carry.
 *
 * Every drawn element of the result carries data-* attributes (kind, tx,
 * addresses in exact hex) so that tests and tools can find it.
 */
import type { SwiotlbPool } from '../sim/result/layout/index.js'
import type { SimResult } from '../sim/result/schema.js'
import { brokenAxis, gapText, zoomText } from './axis.js'
import type { BrokenAxis, Island } from './axis.js'
import { hex, human } from './hex.js'
import type { Band, Link, LinkKind, PhysRange, TxModel } from './model.js'
import { COLORS, regionColor } from './palette.js'
import { clampSpan, placeRows } from './rows.js'
import { num, tag, text, textWidth } from './svg.js'
import type { Attrs } from './svg.js'

const W = 1120
const X0 = 200
const X1 = W - 24
const BOX_H = 44
const LINK_GAP = 86
const AXIS_ROW = 14
const LABEL_ROW = 30
const FONT = 11
const SMALL = 10
/** Narrow boxes get their label outside, with a leader line; past this many a staircase of labels hides the picture, and the tables under it carry them. */
const MAX_OUTSIDE_LABELS = 12

interface Overlay {
  readonly x0: number
  readonly x1: number
  readonly fill: string
  readonly opacity: number
  readonly title?: string
  readonly kind?: string
  /** Only a strip along the bottom edge (slots keep their own colour). */
  readonly strip?: boolean
}

interface Box {
  readonly x0: number
  readonly x1: number
  readonly lines: readonly [string, string]
  readonly data: Attrs
  readonly title: string
  readonly fill: string
  readonly fillOpacity: number
  readonly stroke: string
  readonly dash?: string
  readonly pattern?: string
  /** Hatch only where nothing is linked (IOVA granules allocated but not linked). */
  readonly patternWhereUnused?: boolean
  readonly overlays: readonly Overlay[]
  readonly ticks: readonly number[]
}

interface AxisText {
  readonly x: number
  readonly anchor: 'start' | 'middle' | 'end'
  readonly text: string
  readonly cls: string
}

interface BandDraw {
  readonly key: Band
  readonly title: string
  readonly subtitle: string
  readonly axis: BrokenAxis | undefined
  readonly boxes: readonly Box[]
  axisTexts: readonly AxisText[]
  readonly empty?: string
  /** The bottom band: axis and labels under the boxes. */
  readonly below: boolean
  /** Where the band's boxes sit, filled in by the layout. */
  boxTop: number
}

const spanX = (axis: BrokenAxis, start: bigint, len: bigint): { x0: number; x1: number } => {
  const x0 = axis.x(start)
  const x1 = axis.x(start + len)
  // A range too small to see at its island's scale still gets a visible sliver.
  if (x1 - x0 >= 2) return { x0, x1 }
  const c = (x0 + x1) / 2
  return { x0: c - 1, x1: c + 1 }
}

function kindText(r: PhysRange): string {
  switch (r.kind) {
    case 'normal':
      return 'RAM'
    case 'encrypted':
      return 'private RAM'
    case 'p2p-bus':
      return `P2P BAR${r.provider ? ` of ${r.provider}` : ''}`
    case 'p2p-host-bridge':
      return `P2P BAR${r.provider ? ` of ${r.provider}` : ''}, host bridge`
    case 'p2p-unsupported':
      return 'P2P, unreachable'
  }
}

function kindLong(r: PhysRange): string {
  switch (r.kind) {
    case 'normal':
      return 'host RAM'
    case 'encrypted':
      return 'private (encrypted) memory of a confidential guest: the device cannot see it'
    case 'p2p-bus':
      return `P2P memory in a BAR${r.provider ? ` of ${r.provider}` : ''}, reached by PCI bus address`
    case 'p2p-host-bridge':
      return `P2P memory in a BAR${r.provider ? ` of ${r.provider}` : ''}, reached through the host bridge (mapped like MMIO)`
    case 'p2p-unsupported':
      return `P2P memory${r.provider ? ` of ${r.provider}` : ''} the device cannot reach`
  }
}

/** What an island of physical memory is: RAM, a BAR, the swiotlb pool. */
function physCaption(result: SimResult, m: TxModel, i: Island): string {
  const inside = m.regions.filter((r) => r.phys < i.end && r.phys + r.bytes > i.start)
  const p2p = inside.filter((r) => r.kind.startsWith('p2p'))
  if (p2p.length > 0 && p2p.length === inside.length) {
    const owners = [...new Set(p2p.map((r) => r.provider ?? '?'))]
    return `PCI BAR of ${owners.join(', ')}`
  }
  if (m.pool !== undefined && i.start >= m.pool.start && i.end <= m.pool.end) return 'swiotlb pool'
  const ram = result.platform.ram.some((r) => i.start >= BigInt(r.start) && i.end <= BigInt(r.end))
  return ram ? 'System RAM' : 'physical'
}

/** Captions, island edges and breaks of an axis, for the axis rows. */
function axisTexts(axis: BrokenAxis, caption: (i: Island) => string, unit: string): AxisText[] {
  const out: AxisText[] = []
  axis.islands.forEach((i, n) => {
    const zoom = zoomText(i.zoom)
    const step = axis.tickStep(i)
    out.push({ x: i.x0, anchor: 'start', text: hex(i.start), cls: 'addr' })
    out.push({ x: i.x1, anchor: 'end', text: hex(i.end), cls: 'addr' })
    out.push({ x: (i.x0 + i.x1) / 2, anchor: 'middle', text: `${caption(i)} · ticks ${human(step)}${unit}${zoom ? ` · ${zoom}` : ''}`, cls: 'caption' })
    const prev = axis.islands[n - 1]
    if (prev !== undefined) out.push({ x: (prev.x1 + i.x0) / 2, anchor: 'middle', text: `gap ${gapText(i.gapBefore)}`, cls: 'gap' })
  })
  return out
}

/** Inner tick marks of a box every `step` bytes from an aligned start. */
function innerTicks(axis: BrokenAxis, start: bigint, len: bigint, step: bigint, max = 64): number[] {
  if (step <= 0n || len / step > BigInt(max) || len / step < 2n) return []
  const out: number[] = []
  for (let a = start + step; a < start + len; a += step) out.push(axis.x(a))
  return out
}

/** Links by the element they end at (a list of thousands of entries must not be scanned per entry). */
const incoming = new WeakMap<TxModel, Map<string, Link[]>>()
function linksTo(m: TxModel, id: string): readonly Link[] {
  let byId = incoming.get(m)
  if (byId === undefined) {
    byId = new Map()
    for (const l of m.links) {
      const list = byId.get(l.to.id)
      if (list === undefined) byId.set(l.to.id, [l])
      else list.push(l)
    }
    incoming.set(m, byId)
  }
  return byId.get(id) ?? []
}

/** Overlays of a box: the parts links reach, in their region's colour. */
function usedOverlays(m: TxModel, id: string, x: (addr: bigint) => number): Overlay[] {
  return linksTo(m, id)
    .map((l) => {
      const a = l.to.addr
      const x0 = x(a)
      const x1 = Math.max(x(a + l.len), x0 + 1)
      return { x0, x1, fill: regionColor(l.color), opacity: 0.38, title: `${l.region}: ${hex(a)} +${hex(l.len)}` }
    })
}

/** Pixel spans of [x0, x1] that no overlay covers. */
function xHoles(x0: number, x1: number, overlays: readonly Overlay[]): { x0: number; x1: number }[] {
  const sorted = [...overlays].sort((a, b) => a.x0 - b.x0)
  const out: { x0: number; x1: number }[] = []
  let at = x0
  for (const o of sorted) {
    if (o.x0 > at + 0.5) out.push({ x0: at, x1: Math.min(o.x0, x1) })
    at = Math.max(at, o.x1)
  }
  if (at < x1 - 0.5) out.push({ x0: at, x1 })
  return out
}

function dedupe(overlays: readonly Overlay[]): Overlay[] {
  const seen = new Set<string>()
  return overlays.filter((o) => {
    const k = `${num(o.x0)},${num(o.x1)},${o.fill}`
    if (seen.has(k)) return false
    seen.add(k)
    return true
  })
}

function physBand(result: SimResult, m: TxModel): BandDraw {
  const axis = brokenAxis(
    m.regions.map((r) => ({ start: r.phys, end: r.phys + r.bytes })),
    { x0: X0, x1: X1, align: m.page },
  )
  const boxes = m.regions.map((r, ri): Box => {
    const { x0, x1 } = spanX(axis, r.phys, r.bytes)
    const overlays: Overlay[] = m.unreached
      .filter((u) => u.region === ri)
      .map((u) => ({
        ...spanX(axis, r.phys + u.span.start, u.span.end - u.span.start),
        fill: 'url(#dp-unreached)',
        opacity: 1,
        title: `${r.region} +${hex(u.span.start)}..+${hex(u.span.end)}: no entry of the scatter-gather list reaches these bytes`,
        kind: 'unreached',
      }))
    return {
      x0,
      x1,
      lines: [`${r.region} · ${kindText(r)}`, `${hex(r.phys)} +${hex(r.bytes)}`],
      data: {
        'data-kind': 'phys-range',
        'data-id': r.id,
        'data-tx': m.tx.name,
        'data-region': r.region,
        'data-memory': r.kind,
        'data-phys': hex(r.phys),
        'data-len': hex(r.bytes),
      },
      title: `${r.region}: ${kindLong(r)}; physical ${hex(r.phys)}..${hex(r.phys + r.bytes - 1n)} (${human(r.bytes)}); placed by ${r.placed === 'plan' ? 'the plan' : 'the model'}`,
      fill: regionColor(r.color),
      fillOpacity: 0.2,
      stroke: regionColor(r.color),
      ...(r.kind.startsWith('p2p') ? { dash: '6 3' } : {}),
      ...(r.kind === 'encrypted' ? { pattern: 'url(#dp-private)' } : {}),
      overlays,
      ticks: innerTicks(axis, r.pages.start, r.pages.len, m.page).filter((t) => t > x0 + 0.5 && t < x1 - 0.5),
    }
  })
  return {
    key: 'phys',
    title: 'Physical memory',
    subtitle: 'CPU physical address',
    axis,
    boxes,
    axisTexts: axisTexts(axis, (i) => physCaption(result, m, i), ''),
    below: false,
    boxTop: 0,
  }
}

/** The band of the slots `m.bounce` holds, in the platform's pool. */
function bounceBand(m: TxModel, pool: SwiotlbPool): BandDraw {
  const slot = human(pool.slotSize)
  const axis = brokenAxis(
    m.bounce.map((b) => ({ start: b.start, end: b.start + b.len })),
    { x0: X0, x1: X1, align: pool.slotSize },
  )
  const boxes = m.bounce.map((b): Box => {
    const { x0, x1 } = spanX(axis, b.start, b.len)
    return {
      x0,
      x1,
      lines: [b.slots === 1 ? `swiotlb slot ${b.slot}` : `swiotlb slots ${b.slot}-${b.slot + b.slots - 1} (${b.slots} x ${slot})`, `${hex(b.start)} +${hex(b.len)}`],
      data: {
        'data-kind': 'bounce-slot',
        'data-id': b.id,
        'data-tx': m.tx.name,
        'data-phys': hex(b.start),
        'data-len': hex(b.len),
        'data-slot': b.slot,
        'data-slots': b.slots,
      },
      title: `swiotlb bounce buffer: slots ${b.slot}..${b.slot + b.slots - 1} of the pool, physical ${hex(b.start)}..${hex(b.start + b.len - 1n)}; the device reads and writes these, the kernel copies to and from the original memory`,
      fill: COLORS.bounceFill,
      fillOpacity: 1,
      stroke: COLORS.bounce,
      pattern: 'url(#dp-bounce)',
      overlays: dedupe(usedOverlays(m, b.id, (a) => axis.x(a))).map((o) => ({ ...o, strip: true, opacity: 0.85 })),
      ticks: innerTicks(axis, b.start, b.len, pool.slotSize),
    }
  })
  const poolText = `swiotlb pool at ${hex(pool.start)} (${pool.slots} slots)`
  return {
    key: 'bounce',
    title: 'swiotlb bounce slots',
    subtitle: `${slot} each, physical`,
    axis,
    boxes,
    axisTexts: axisTexts(axis, () => poolText, ''),
    below: false,
    boxTop: 0,
  }
}

function iovaBand(m: TxModel): BandDraw {
  const axis = brokenAxis(
    m.iova.map((r) => ({ start: r.start, end: r.start + r.len })),
    { x0: X0, x1: X1, align: m.granule },
  )
  const boxes = m.iova.map((r): Box => {
    const { x0, x1 } = spanX(axis, r.start, r.len)
    const granules = r.granules
    return {
      x0,
      x1,
      lines: [`IOVA · ${granules} granule${granules === 1n ? '' : 's'}`, `${hex(r.start)} +${hex(r.len)}`],
      data: {
        'data-kind': 'iova-range',
        'data-id': r.id,
        'data-tx': m.tx.name,
        'data-iova': hex(r.start),
        'data-len': hex(r.len),
        'data-source': r.source,
      },
      title: `IOVA range ${hex(r.start)}..${hex(r.start + r.len - 1n)} (${granules} x ${human(m.granule)} granules), ${r.source === 'segments' ? 'the granules the list\'s DMA addresses occupy' : `allocated by ${r.source}()`}; hatched: allocated but not linked to memory`,
      fill: COLORS.iovaFill,
      fillOpacity: 1,
      stroke: COLORS.iova,
      pattern: 'url(#dp-unused)',
      patternWhereUnused: true,
      overlays: dedupe(usedOverlays(m, r.id, (a) => axis.x(a))),
      ticks: innerTicks(axis, r.start, r.len, m.granule),
    }
  })
  const empty =
    m.iova.length > 0
      ? undefined
      : m.tx.status === 'failed'
        ? 'no IOVA was allocated before the mapping failed'
        : m.pieces.length > 0 && m.pieces.every((p) => p.route === 'bus')
          ? 'no IOVA: the device reaches this memory by PCI bus address, past the IOMMU'
          : 'no IOVA allocated'
  return {
    key: 'iova',
    title: 'IOVA space',
    subtitle: `granule ${human(m.granule)}, ${m.tx.counters.iovaPages} allocated`,
    axis,
    boxes,
    axisTexts: axisTexts(axis, () => 'IOVA', ''),
    ...(empty !== undefined ? { empty } : {}),
    below: false,
    boxTop: 0,
  }
}

function segX(axis: BrokenAxis, m: TxModel): (id: string, addr: bigint) => number {
  const byId = new Map(m.segments.map((s) => [s.id, s]))
  return (id, addr) => {
    const s = byId.get(id)
    if (s === undefined) return X0
    return axis.x(s.at + (addr - s.dma))
  }
}

function segBand(m: TxModel): BandDraw {
  const axis = brokenAxis(m.view.total > 0n ? [{ start: 0n, end: m.view.total }] : [], { x0: X0, x1: X1, align: m.view.mirror ? m.view.page : 1n })
  const sx = segX(axis, m)
  const addrWord = { iova: 'IOVA', bus: 'bus address', phys: 'phys', swiotlb: 'swiotlb slot' } as const
  const boxes = m.segments.map((s): Box => {
    const x0 = axis.x(s.at)
    const x1 = Math.max(axis.x(s.at + s.len), x0 + 2)
    return {
      x0,
      x1,
      lines: [`#${s.index}${s.entries > 1 ? ` (${s.entries} pages)` : ''} · ${addrWord[s.addr]}`, `dma ${hex(s.dma)} len ${hex(s.len)}`],
      data: {
        'data-kind': 'segment',
        'data-id': s.id,
        'data-tx': m.tx.name,
        'data-index': s.index,
        'data-dma': hex(s.dma),
        'data-len': hex(s.len),
        'data-entries': s.entries,
        'data-first': s.first,
        'data-addr': s.addr,
      },
      title: `scatter-gather entry #${s.index}: DMA address ${hex(s.dma)} (${addrWord[s.addr]}), length ${hex(s.len)} (${human(s.len)})${m.view.mirror ? `, mirror pages ${s.first}..${s.first + s.entries - 1}` : ''}`,
      fill: COLORS.segmentFill,
      fillOpacity: 1,
      stroke: COLORS.segment,
      // Bytes of the entry no region holds: the rest of a whole HMM page, or a list longer than its data.
      pattern: 'url(#dp-unreached)',
      patternWhereUnused: true,
      overlays: dedupe(usedOverlays(m, s.id, (a) => sx(s.id, a))),
      ticks: [],
    }
  })
  const unit = m.view.mirror ? ` (${m.view.total / m.view.page} pages of ${human(m.view.page)})` : ''
  const caption = m.view.mirror ? 'HMM mirror, by page index' : 'offset in the transfer'
  const empty =
    m.segments.length > 0
      ? undefined
      : m.tx.status === 'failed'
        ? `no scatter-gather list: ${m.tx.error ?? 'the mapping failed'}`
        : 'no scatter-gather list'
  return {
    key: 'seg',
    title: 'Scatter-gather list',
    subtitle: 'programmed into the device',
    axis,
    boxes,
    axisTexts: axis.islands.length ? axisTexts(axis, () => caption + unit, '') : [],
    ...(empty !== undefined ? { empty } : {}),
    below: true,
    boxTop: 0,
  }
}

/** What a gap between two bands stands for, when no link crosses it (a failed mapping). */
const GAP_WORDS: Record<string, readonly [string, string]> = {
  'phys>bounce': ['bounce copy', 'swiotlb_bounce()'],
  'phys>iova': ['IOMMU page table', 'IOVA -> physical'],
  'bounce>iova': ['IOMMU page table', 'IOVA -> slot'],
  'iova>seg': ['DMA address', 'is the IOVA'],
  'bounce>seg': ['DMA address', 'is the slot (dma-direct)'],
  'phys>seg': ['DMA address', 'dma-direct: = physical'],
}

/** What a link of each kind stands for, in the gutter; the first kind crossing a gap names it. */
const LINK_WORDS: Record<LinkKind | 'direct-slot', readonly [string, string]> = {
  iommu: ['IOMMU page table', 'IOVA -> physical'],
  bounce: ['bounce copy', 'swiotlb_bounce()'],
  dma: ['DMA address', 'is the IOVA'],
  'direct-slot': ['DMA address', 'is the slot (dma-direct)'],
  direct: ['DMA address', 'dma-direct: = physical'],
  bus: ['PCI bus address', 'P2P, past the IOMMU'],
}
const LINK_ORDER: readonly (LinkKind | 'direct-slot')[] = ['iommu', 'bounce', 'dma', 'direct-slot', 'direct', 'bus']

const LINK_TITLE: Record<LinkKind, string> = {
  iommu: 'IOMMU translation (IOVA -> physical)',
  dma: 'DMA address = IOVA',
  direct: 'DMA address = physical address (dma-direct)',
  bus: 'PCI bus address, not translated by the IOMMU',
  bounce: 'bounce copy between the buffer and its swiotlb slots',
}

interface Outside {
  readonly box: Box
  readonly x0: number
  readonly x1: number
}

function labelFits(b: Box): boolean {
  const w = Math.max(textWidth(b.lines[0], FONT), textWidth(b.lines[1], SMALL))
  return b.x1 - b.x0 >= w + 10
}

const widen = (x0: number, x1: number): [number, number] => (x1 - x0 >= 1.5 ? [x0, x1] : [(x0 + x1) / 2 - 0.75, (x0 + x1) / 2 + 0.75])

/** Ribbon from [a0, a1] at y1 down to [b0, b1] at y2. */
function ribbon(a0: number, a1: number, y1: number, b0: number, b1: number, y2: number): string {
  const [p0, p1] = widen(a0, a1)
  const [q0, q1] = widen(b0, b1)
  const ym = (y1 + y2) / 2
  return `M${num(p0)} ${num(y1)}C${num(p0)} ${num(ym)} ${num(q0)} ${num(ym)} ${num(q0)} ${num(y2)}L${num(q1)} ${num(y2)}C${num(q1)} ${num(ym)} ${num(p1)} ${num(ym)} ${num(p1)} ${num(y1)}Z`
}

/**
 * A link that skips bands (a bus address passes the IOVA band): ribbons in
 * the gaps only, joined by dashed edges across the skipped bands, so it
 * never looks as if it went through them. Returns the filled path and the
 * dashed edges.
 */
function bypass(a0: number, a1: number, y1: number, b0: number, b1: number, y2: number, skipped: readonly { top: number; bottom: number }[]): { fill: string; edges: string } {
  let fill = ''
  let edges = ''
  let [p0, p1] = widen(a0, a1)
  let y = y1
  const [q0, q1] = widen(b0, b1)
  for (const s of skipped) {
    const t = ((s.top + s.bottom) / 2 - y1) / (y2 - y1)
    const m0 = a0 + (b0 - a0) * t
    const m1 = Math.max(a1 + (b1 - a1) * t, m0 + 1.5)
    fill += ribbon(p0, p1, y, m0, m1, s.top)
    edges += `M${num(m0)} ${num(s.top)}V${num(s.bottom)}M${num(m1)} ${num(s.top)}V${num(s.bottom)}`
    ;[p0, p1] = [m0, m1]
    y = s.bottom
  }
  fill += ribbon(p0, p1, y, q0, q1, y2)
  return { fill, edges }
}

export function txPicture(result: SimResult, m: TxModel): string {
  const bands: BandDraw[] = [physBand(result, m)]
  if (m.pool !== undefined && m.bounce.length > 0) bands.push(bounceBand(m, m.pool))
  if (result.device.path === 'iommu') bands.push(iovaBand(m))
  const seg = segBand(m)
  bands.push(seg)

  // Vertical layout.
  let y = 8
  const parts: string[] = []
  const placedAxis = new Map<Band, { rows: number; placed: { item: AxisText; row: number }[] }>()
  const placedOut = new Map<Band, { rows: number; placed: { item: Outside; row: number; x0: number; x1: number }[] }>()
  bands.forEach((b, n) => {
    const narrow = b.boxes.filter((box) => !labelFits(box))
    const outside = narrow.length <= MAX_OUTSIDE_LABELS ? narrow : []
    if (outside.length < narrow.length && b.axis !== undefined && b.axis.islands.length > 0) {
      const last = b.axis.islands[b.axis.islands.length - 1]
      b.axisTexts = [...b.axisTexts, { x: last?.x1 ?? X1, anchor: 'end', text: `${narrow.length} boxes too narrow to label: see the tables below, or hover`, cls: 'caption' }]
    }
    const at = placeRows(
      b.axisTexts.map((t) => {
        const w = textWidth(t.text, SMALL)
        const x0 = t.anchor === 'start' ? t.x : t.anchor === 'end' ? t.x - w : t.x - w / 2
        return { x0, x1: x0 + w, item: t }
      }),
      10,
    )
    placedAxis.set(b.key, at)
    const out = placeRows(
      outside.map((box) => {
        const w = Math.max(textWidth(box.lines[0], FONT), textWidth(box.lines[1], SMALL)) + 8
        const s = clampSpan((box.x0 + box.x1) / 2, w, X0 - 40, W - 4)
        return { ...s, item: { box, ...s } }
      }),
    )
    placedOut.set(b.key, out)
    if (b.below) {
      b.boxTop = y
      y += BOX_H + 10 + Math.max(1, at.rows) * AXIS_ROW + out.rows * LABEL_ROW + 8
    } else {
      y += out.rows * LABEL_ROW + Math.max(1, at.rows) * AXIS_ROW + 10
      b.boxTop = y
      y += BOX_H + (n < bands.length - 1 ? LINK_GAP : 8)
    }
  })
  const height = Math.ceil(y)
  const band = (k: Band): BandDraw | undefined => bands.find((b) => b.key === k)

  const index = (k: Band): number => bands.findIndex((b) => b.key === k)

  // Gutter: band titles and what each gap between bands means (named after the links that cross it).
  bands.forEach((b, n) => {
    parts.push(text({ x: 12, y: b.boxTop + 17, class: 'band-title' }, b.title))
    parts.push(text({ x: 12, y: b.boxTop + 32, class: 'band-sub' }, b.subtitle))
    const next = bands[n + 1]
    if (next === undefined) return
    const crossing = new Set<LinkKind | 'direct-slot'>()
    for (const l of m.links)
      if (index(l.from.band) <= n && index(l.to.band) >= n + 1) crossing.add(l.kind === 'direct' && l.from.band === 'bounce' ? 'direct-slot' : l.kind)
    const kinds = LINK_ORDER.filter((k) => crossing.has(k))
    const first = kinds[0]
    const words: readonly [string, string] =
      first === undefined ? (GAP_WORDS[`${b.key}>${next.key}`] ?? ['', '']) : kinds.length > 1 && kinds.includes('bus') && first !== 'bus' ? [LINK_WORDS[first][0], `${LINK_WORDS[first][1]}; dashed: bus addr.`] : LINK_WORDS[first]
    const ym = (b.boxTop + BOX_H + next.boxTop) / 2
    parts.push(text({ x: 12, y: ym - 2, class: 'gap-title' }, words[0]))
    parts.push(text({ x: 12, y: ym + 11, class: 'gap-sub' }, words[1]))
  })

  // Links first, so boxes and labels sit on top of them.
  const segAxis = band('seg')?.axis
  const sx = segAxis !== undefined ? segX(segAxis, m) : undefined
  const xOf = (end: Link['from']): number => {
    const b = band(end.band)
    if (b?.axis === undefined) return X0
    if (end.band === 'seg') return sx !== undefined ? sx(end.id, end.addr) : X0
    return b.axis.x(end.addr)
  }
  const linkParts: string[] = []
  const bypassEdges: string[] = []
  for (const l of m.links) {
    const from = band(l.from.band)
    const to = band(l.to.band)
    if (from === undefined || to === undefined) continue
    const a0 = xOf(l.from)
    const a1 = xOf({ ...l.from, addr: l.from.addr + l.len })
    const b0 = xOf(l.to)
    const b1 = xOf({ ...l.to, addr: l.to.addr + l.len })
    const color = regionColor(l.color)
    const skipped = bands.slice(index(l.from.band) + 1, index(l.to.band)).map((b) => ({ top: b.boxTop - 2, bottom: b.boxTop + BOX_H + 2 }))
    const shape = skipped.length
      ? bypass(a0, a1, from.boxTop + BOX_H, b0, b1, to.boxTop, skipped)
      : { fill: ribbon(a0, a1, from.boxTop + BOX_H, b0, b1, to.boxTop), edges: '' }
    if (shape.edges) bypassEdges.push(tag('path', { d: shape.edges, class: 'bypass', stroke: l.kind === 'bus' ? COLORS.bus : color }))
    linkParts.push(
      tag(
        'path',
        {
          d: shape.fill,
          class: `link link-${l.kind}`,
          fill: color,
          stroke: l.kind === 'bus' ? COLORS.bus : l.kind === 'bounce' ? COLORS.bounce : color,
          'data-kind': 'link',
          'data-id': l.id,
          'data-tx': m.tx.name,
          'data-link': l.kind,
          'data-from': l.from.id,
          'data-to': l.to.id,
          'data-from-addr': hex(l.from.addr),
          'data-to-addr': hex(l.to.addr),
          'data-len': hex(l.len),
          'data-region': l.region,
        },
        tag('title', {}, `${l.region}: ${LINK_TITLE[l.kind]}, ${hex(l.from.addr)} -> ${hex(l.to.addr)}, ${hex(l.len)} bytes`),
      ),
    )
  }
  parts.push(tag('g', { class: 'links' }, linkParts.join('')))

  for (const b of bands) {
    const boxTop = b.boxTop
    const boxBottom = boxTop + BOX_H
    const axisY = b.below ? boxBottom + 6 : boxTop - 6
    // Axis: one line per island, ticks, and break marks between islands.
    if (b.axis !== undefined) {
      const g: string[] = []
      b.axis.islands.forEach((i, n) => {
        g.push(tag('line', { x1: i.x0, y1: axisY, x2: i.x1, y2: axisY, class: 'axis' }))
        const step = b.axis?.tickStep(i) ?? 1n
        for (let a = i.start; a <= i.end; a += step) {
          const x = b.axis?.x(a) ?? 0
          const major = a === i.start || a === i.end
          g.push(tag('line', { x1: x, y1: axisY - (major ? 4 : 2), x2: x, y2: axisY + (major ? 4 : 2), class: major ? 'tick major' : 'tick' }))
        }
        const prev = b.axis?.islands[n - 1]
        if (prev !== undefined) {
          const cx = (prev.x1 + i.x0) / 2
          g.push(tag('path', { d: `M${num(cx - 7)} ${num(axisY + 5)}L${num(cx - 1)} ${num(axisY - 5)}M${num(cx + 1)} ${num(axisY + 5)}L${num(cx + 7)} ${num(axisY - 5)}`, class: 'break' }))
          g.push(tag('path', { d: `M${num(cx - 4)} ${num(boxTop + 4)}L${num(cx - 1)} ${num(boxBottom - 4)}M${num(cx + 1)} ${num(boxTop + 4)}L${num(cx + 4)} ${num(boxBottom - 4)}`, class: 'break faint' }))
        }
      })
      parts.push(tag('g', { class: 'axis-group' }, g.join('')))
    }
    const at = placedAxis.get(b.key)
    for (const p of at?.placed ?? []) {
      const ty = b.below ? axisY + 13 + p.row * AXIS_ROW : axisY - 7 - p.row * AXIS_ROW
      parts.push(text({ x: p.item.x, y: ty, 'text-anchor': p.item.anchor, class: `axis-text ${p.item.cls}` }, p.item.text))
    }
    if (b.empty !== undefined && b.boxes.length === 0) {
      parts.push(tag('rect', { x: X0, y: boxTop, width: X1 - X0, height: BOX_H, class: 'empty', 'data-kind': 'empty-band', 'data-band': b.key, 'data-tx': m.tx.name }))
      parts.push(text({ x: X0 + 12, y: boxTop + BOX_H / 2 + 4, class: m.tx.status === 'failed' ? 'empty-text failed' : 'empty-text' }, b.empty))
    }
    // Boxes.
    for (const box of b.boxes) {
      const w = box.x1 - box.x0
      const inner: string[] = [tag('title', {}, box.title)]
      parts.push(
        tag(
          'rect',
          {
            x: box.x0,
            y: boxTop,
            width: w,
            height: BOX_H,
            rx: 2,
            fill: box.fill,
            'fill-opacity': box.fillOpacity,
            stroke: box.stroke,
            'stroke-dasharray': box.dash,
            class: `box box-${b.key}`,
            ...box.data,
          },
          inner.join(''),
        ),
      )
      if (box.pattern !== undefined) {
        const spans = box.patternWhereUnused ? xHoles(box.x0, box.x1, box.overlays) : [{ x0: box.x0, x1: box.x1 }]
        for (const h of spans) parts.push(tag('rect', { x: h.x0, y: boxTop, width: h.x1 - h.x0, height: BOX_H, fill: box.pattern, class: 'pattern' }))
      }
      for (const o of box.overlays) {
        const y0 = o.strip ? boxTop + BOX_H - 7 : boxTop + 1
        parts.push(
          tag(
            'rect',
            { x: o.x0, y: y0, width: Math.max(o.x1 - o.x0, 1), height: o.strip ? 6 : BOX_H - 2, fill: o.fill, 'fill-opacity': o.opacity, class: 'use', 'data-kind': o.kind },
            o.title !== undefined ? tag('title', {}, o.title) : undefined,
          ),
        )
      }
      for (const t of box.ticks) parts.push(tag('line', { x1: t, y1: boxTop + 1, x2: t, y2: boxTop + 7, class: 'inner-tick' }))
      if (labelFits(box)) {
        parts.push(text({ x: box.x0 + 6, y: boxTop + 18, class: 'box-label' }, box.lines[0]))
        parts.push(text({ x: box.x0 + 6, y: boxTop + 34, class: 'box-addr' }, box.lines[1]))
      }
    }
    // Labels of narrow boxes, outside with a leader line.
    const out = placedOut.get(b.key)
    for (const p of out?.placed ?? []) {
      const rows = at?.rows ?? 1
      const ly = b.below
        ? boxBottom + 10 + Math.max(1, rows) * AXIS_ROW + p.row * LABEL_ROW + 12
        : boxTop - 10 - Math.max(1, rows) * AXIS_ROW - p.row * LABEL_ROW - 16
      const cx = (p.item.box.x0 + p.item.box.x1) / 2
      const lx = p.x0 + 4
      parts.push(tag('line', { x1: Math.min(Math.max(cx, p.x0), p.x1), y1: b.below ? ly - 10 : ly + 15, x2: cx, y2: b.below ? boxBottom : boxTop, class: 'leader' }))
      parts.push(text({ x: lx, y: ly, class: 'box-label outside' }, p.item.box.lines[0]))
      parts.push(text({ x: lx, y: ly + 13, class: 'box-addr outside' }, p.item.box.lines[1]))
    }
  }

  // Edges of links that pass a band by, over its boxes: they do not touch them.
  if (bypassEdges.length) parts.push(tag('g', { class: 'bypasses' }, bypassEdges.join('')))

  return tag(
    'svg',
    {
      viewBox: `0 0 ${W} ${height}`,
      width: W,
      height,
      role: 'img',
      class: 'tx-picture',
      'data-kind': 'tx-picture',
      'data-tx': m.tx.name,
      'aria-label': `transaction ${m.tx.name}: physical ranges, ${result.device.path === 'iommu' ? 'IOVA space, ' : ''}scatter-gather list`,
    },
    parts.join(''),
  )
}
