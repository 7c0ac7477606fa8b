/**
 * The vertical layout of the bands: each band's axis texts and the labels of
 * its narrow boxes set in rows that do not overlap, and each band's top.
 */
import type { Band } from '../model.js'
import { clampSpan, placeRows } from '../rows.js'
import { textWidth } from '../svg.js'
import type { AxisText, BandDraw, Box } from './band.js'
import { AXIS_ROW, BOX_H, FONT, LABEL_ROW, LINK_GAP, MAX_OUTSIDE_LABELS, SMALL, W, X0, X1 } from './geometry.js'

/** A narrow box's label, set outside it. */
export interface Outside {
  readonly box: Box
  readonly x0: number
  readonly x1: number
}

export function labelFits(b: Box): boolean {
  const w = Math.max(textWidth(b.lines[0], FONT), textWidth(b.lines[1], SMALL))
  return b.x1 - b.x0 >= w + 10
}

export interface Stack {
  readonly height: number
  readonly placedAxis: ReadonlyMap<Band, { rows: number; placed: { item: AxisText; row: number }[] }>
  readonly placedOut: ReadonlyMap<Band, { rows: number; placed: { item: Outside; row: number; x0: number; x1: number }[] }>
}

/** Sets each band's boxTop (and a caption for boxes too many to label) and returns where the texts go. */
export function stackBands(bands: readonly BandDraw[]): Stack {
  let y = 8
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
  return { height: Math.ceil(y), placedAxis, placedOut }
}
