/** The shapes of links: ribbons between bands, and bypasses of the bands a link skips. */
import { num } from '../svg.js'

const widen = (x0: number, x1: number): [number, number] => (x1 - x0 >= 1.5 ? [x0, x1] : [(x0 + x1) / 2 - 0.75, (x0 + x1) / 2 + 0.75])

/** Ribbon from [a0, a1] at y1 down to [b0, b1] at y2. */
export function ribbon(a0: number, a1: number, y1: number, b0: number, b1: number, y2: number): string {
  const [p0, p1] = widen(a0, a1)
  const [q0, q1] = widen(b0, b1)
  const ym = (y1 + y2) / 2
  return `M${num(p0)} ${num(y1)}C${num(p0)} ${num(ym)} ${num(q0)} ${num(ym)} ${num(q0)} ${num(y2)}L${num(q1)} ${num(y2)}C${num(q1)} ${num(ym)} ${num(p1)} ${num(ym)} ${num(p1)} ${num(y1)}Z`
}

/**
 * A link that skips bands (a bus address passes the IOVA band): ribbons in
 * the gaps only, joined by dashed edges across the skipped bands (through
 * a lane beside a band when it has one), so it never looks as if it went
 * through them. Returns the filled path and the
 * dashed edges.
 */
export function bypass(a0: number, a1: number, y1: number, b0: number, b1: number, y2: number, skipped: readonly { top: number; bottom: number; lane?: { x0: number; x1: number } }[]): { fill: string; edges: string } {
  let fill = ''
  let edges = ''
  let [p0, p1] = widen(a0, a1)
  let y = y1
  const [q0, q1] = widen(b0, b1)
  for (const s of skipped) {
    const t = ((s.top + s.bottom) / 2 - y1) / (y2 - y1)
    // A lane beside the band, when it has one; else where the straight ribbon would cross it.
    const m0 = s.lane?.x0 ?? a0 + (b0 - a0) * t
    const m1 = s.lane?.x1 ?? Math.max(a1 + (b1 - a1) * t, m0 + 1.5)
    fill += ribbon(p0, p1, y, m0, m1, s.top)
    edges += `M${num(m0)} ${num(s.top)}V${num(s.bottom)}M${num(m1)} ${num(s.top)}V${num(s.bottom)}`
    ;[p0, p1] = [m0, m1]
    y = s.bottom
  }
  fill += ribbon(p0, p1, y, q0, q1, y2)
  return { fill, edges }
}
