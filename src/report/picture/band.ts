/**
 * A band of the picture before it is drawn: its axis, its boxes with their
 * overlays (the parts links reach) and ticks, and the texts of its axis.
 */
import { gapText, zoomText } from '../axis.js'
import type { BrokenAxis, Island } from '../axis.js'
import { hex, human } from '../hex.js'
import type { Band, Link, TxModel } from '../model.js'
import { regionColor } from '../palette.js'
import { num } from '../svg.js'
import type { Attrs } from '../svg.js'

/** A part of a box painted over it: where a link reaches it, or bytes no entry reaches. */
export interface Overlay {
  readonly x0: number
  readonly x1: number
  readonly fill: string
  readonly opacity: number
  readonly title?: string
  readonly kind?: string
  /** Only a strip along the bottom edge (slots keep their own colour). */
  readonly strip?: boolean
  /** More data-* attributes (an overlay that stands for something of its own, like reserved IOVA). */
  readonly data?: Attrs
  /** A word written in it, when it is wide enough and clear of the box's own label. */
  readonly label?: string
}

/** One element of a band (a region, slots, an IOVA range, an entry), with its label lines and data-* attributes. */
export interface Box {
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
  /** Hatch only where nothing is linked (the bytes of a scatter-gather entry no region holds). */
  readonly patternWhereUnused?: boolean
  readonly overlays: readonly Overlay[]
  readonly ticks: readonly number[]
}

/** A text of an axis row: an island's edge, its caption, or a gap. */
export interface AxisText {
  readonly x: number
  readonly anchor: 'start' | 'middle' | 'end'
  readonly text: string
  readonly cls: string
}

export interface BandDraw {
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

/** Captions, island edges and breaks of an axis, for the axis rows. */
export function axisTexts(axis: BrokenAxis, caption: (i: Island) => string, unit: string): AxisText[] {
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
export function usedOverlays(m: TxModel, id: string, x: (addr: bigint) => number): Overlay[] {
  return linksTo(m, id)
    .map((l) => {
      const a = l.to.addr
      const x0 = x(a)
      const x1 = Math.max(x(a + l.len), x0 + 1)
      return { x0, x1, fill: regionColor(l.color), opacity: 0.38, title: `${l.region}: ${hex(a)} +${hex(l.len)}` }
    })
}

/** Pixel spans of [x0, x1] that no overlay covers. */
export function xHoles(x0: number, x1: number, overlays: readonly Overlay[]): { x0: number; x1: number }[] {
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

/** Overlays less those that would paint the same pixels again (many links reach one IOVA range or slot). */
export function dedupe(overlays: readonly Overlay[]): Overlay[] {
  const seen = new Set<string>()
  return overlays.filter((o) => {
    const k = `${num(o.x0)},${num(o.x1)},${o.fill}`
    if (seen.has(k)) return false
    seen.add(k)
    return true
  })
}
