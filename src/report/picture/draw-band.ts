/** One band drawn: its axis (islands, ticks, breaks), axis texts, boxes with overlays and ticks, and the labels of narrow boxes outside them. */
import type { TxModel } from '../model.js'
import { num, tag, text, textWidth } from '../svg.js'
import type { BandDraw } from './band.js'
import { xHoles } from './band.js'
import { AXIS_ROW, BOX_H, FONT, LABEL_ROW, SMALL, X0, X1 } from './geometry.js'
import { labelFits } from './stack.js'
import type { Stack } from './stack.js'

export function drawBand(b: BandDraw, m: TxModel, stack: Stack): string[] {
  const parts: string[] = []
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
  const at = stack.placedAxis.get(b.key)
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
          { x: o.x0, y: y0, width: Math.max(o.x1 - o.x0, 1), height: o.strip ? 6 : BOX_H - 2, fill: o.fill, 'fill-opacity': o.opacity, class: o.kind !== undefined ? `use ${o.kind}` : 'use', 'data-kind': o.kind, ...o.data },
          o.title !== undefined ? tag('title', {}, o.title) : undefined,
        ),
      )
      // The box's own label takes its first columns; a word goes only where it is clear of them.
      const clear = labelFits(box) ? box.x0 + Math.max(textWidth(box.lines[0], FONT), textWidth(box.lines[1], SMALL)) + 12 : box.x0
      if (o.label !== undefined && o.x0 >= clear && o.x1 - o.x0 >= textWidth(o.label, SMALL) + 8)
        parts.push(text({ x: (o.x0 + o.x1) / 2, y: boxTop + BOX_H / 2 + 4, 'text-anchor': 'middle', class: 'overlay-label' }, o.label))
    }
    for (const t of box.ticks) parts.push(tag('line', { x1: t, y1: boxTop + 1, x2: t, y2: boxTop + 7, class: 'inner-tick' }))
    if (labelFits(box)) {
      parts.push(text({ x: box.x0 + 6, y: boxTop + 18, class: 'box-label' }, box.lines[0]))
      parts.push(text({ x: box.x0 + 6, y: boxTop + 34, class: 'box-addr' }, box.lines[1]))
    }
  }
  // Labels of narrow boxes, outside with a leader line.
  const out = stack.placedOut.get(b.key)
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
  return parts
}
