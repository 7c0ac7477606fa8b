/** Intervals of bigint addresses for the layout. */
import { max } from '../../addr.js'
import type { Span } from './types.js'

/** Parts of [start, end) not covered by the (possibly overlapping) spans. */
export function holes(start: bigint, end: bigint, covered: readonly Span[]): Span[] {
  const sorted = [...covered].sort((a, b) => (a.start < b.start ? -1 : a.start > b.start ? 1 : 0))
  const out: Span[] = []
  let at = start
  for (const s of sorted) {
    if (s.end <= at || s.start >= end) continue
    if (s.start > at) out.push({ start: at, end: s.start })
    at = max(at, s.end)
  }
  if (at < end) out.push({ start: at, end })
  return out
}
