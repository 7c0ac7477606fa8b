/**
 * A broken axis for 64-bit address spaces. A linear scale over the span of a
 * transaction's addresses would shrink a 16 KiB buffer to nothing next to a
 * BAR 2^42 bytes away, so the drawn ranges are grouped into islands: ranges
 * close together (a gap no larger than what they hold) share an island and
 * a linear scale; far-apart islands are separated by a break mark that says
 * how much address space it leaves out. Islands share one bytes-per-pixel
 * scale when they can; an island too small to read at that scale is
 * widened, and its caption says by how much.
 */
import { alignDown, alignUp, hex, human } from './hex.js'
import type { Span } from './hex.js'

export interface Island extends Span {
  readonly x0: number
  readonly x1: number
  /** Pixels per byte relative to the common scale (1: same scale as the others). */
  readonly zoom: number
  /** Bytes between this island and the previous one (0 for the first). */
  readonly gapBefore: bigint
}

export interface AxisOptions {
  readonly x0: number
  readonly x1: number
  /** Islands start and end on this boundary (page, granule, slot). */
  readonly align: bigint
  readonly breakWidth?: number
  readonly minWidth?: number
}

export class BrokenAxis {
  readonly islands: readonly Island[]
  readonly align: bigint

  constructor(islands: readonly Island[], align: bigint) {
    this.islands = islands
    this.align = align
  }

  /** The x of an address; addresses outside every island clamp to the nearest island edge. */
  x(addr: bigint): number {
    let best: Island | undefined
    for (const i of this.islands) {
      if (addr >= i.start && addr <= i.end) return i.x0 + ((i.x1 - i.x0) * Number(addr - i.start)) / Number(i.end - i.start || 1n)
      if (addr > i.end) best = i
    }
    if (best !== undefined) return best.x1
    return this.islands[0]?.x0 ?? 0
  }

  /** Tick spacing for an island: the alignment unit, doubled until at most `max` ticks. */
  tickStep(i: Island, max = 64): bigint {
    let step = this.align
    while ((i.end - i.start) / step > BigInt(max)) step *= 2n
    return step
  }
}

/** Group spans into islands and lay them out between x0 and x1. */
export function brokenAxis(spans: readonly Span[], o: AxisOptions): BrokenAxis {
  const breakWidth = o.breakWidth ?? 40
  const sorted = spans
    .filter((s) => s.end > s.start)
    .map((s) => ({ start: alignDown(s.start, o.align), end: alignUp(s.end, o.align) }))
    .sort((a, b) => (a.start < b.start ? -1 : a.start > b.start ? 1 : 0))
  const groups: Span[] = []
  for (const s of sorted) {
    const last = groups[groups.length - 1]
    if (last !== undefined) {
      const gap = s.start - last.end
      const size = last.end - last.start > s.end - s.start ? last.end - last.start : s.end - s.start
      if (gap <= size) {
        groups[groups.length - 1] = { start: last.start, end: s.end > last.end ? s.end : last.end }
        continue
      }
    }
    groups.push(s)
  }
  if (groups.length === 0) return new BrokenAxis([], o.align)

  const avail = o.x1 - o.x0 - breakWidth * (groups.length - 1)
  const minWidth = Math.min(o.minWidth ?? 120, avail / groups.length)
  // Common scale first; islands below the minimum width get it and leave the rest to the others.
  const widths: number[] = groups.map(() => 0)
  const fixed = new Set<number>()
  for (;;) {
    const free = groups.map((_, i) => i).filter((i) => !fixed.has(i))
    const room = avail - fixed.size * minWidth
    const bytes = free.reduce((n, i) => n + Number((groups[i] as Span).end - (groups[i] as Span).start), 0)
    let changed = false
    for (const i of free) {
      const g = groups[i] as Span
      const w = (room * Number(g.end - g.start)) / bytes
      if (w < minWidth) {
        fixed.add(i)
        changed = true
      }
      widths[i] = w
    }
    if (!changed) break
    if (fixed.size === groups.length) break
  }
  const free = groups.map((_, i) => i).filter((i) => !fixed.has(i))
  // Pixels per byte of the common scale; when every island was widened, the largest one sets it.
  const ref = free[0] ?? groups.reduce((m, g, i) => (g.end - g.start > ((groups[m] as Span).end - (groups[m] as Span).start) ? i : m), 0)
  const refGroup = groups[ref] as Span
  const refWidth = fixed.has(ref) ? minWidth : (widths[ref] as number)
  const common = refWidth / Number(refGroup.end - refGroup.start)
  const islands: Island[] = []
  let x = o.x0
  groups.forEach((g, i) => {
    const w = fixed.has(i) ? minWidth : (widths[i] as number)
    const zoom = w / Number(g.end - g.start) / common
    const prev = groups[i - 1]
    islands.push({ start: g.start, end: g.end, x0: x, x1: x + w, zoom, gapBefore: prev ? g.start - prev.end : 0n })
    x += w + breakWidth
  })
  return new BrokenAxis(islands, o.align)
}

/** "x8" style zoom text for a widened island ("" at the common scale). */
export function zoomText(zoom: number): string {
  if (zoom < 1.5) return ''
  const z = zoom >= 10 ? String(Math.round(zoom)) : zoom.toFixed(1)
  return `scale x${z}`
}

/** The gap a break leaves out, for its label. */
export const gapText = (gap: bigint): string => `${hex(gap)} (${human(gap)})`
