/** The picture's geometry: its width, where the bands' boxes start and end, heights of rows and boxes, font sizes. */
import type { BrokenAxis } from '../axis.js'

export const W = 1120
export const X0 = 200
export const X1 = W - 24
export const BOX_H = 44
export const LINK_GAP = 86
export const AXIS_ROW = 14
export const LABEL_ROW = 30
export const FONT = 11
export const SMALL = 10
/** Narrow boxes get their label outside, with a leader line; past this many a staircase of labels hides the picture, and the tables under it carry them. */
export const MAX_OUTSIDE_LABELS = 12

/** Where a range sits on an axis, in pixels. */
export const spanX = (axis: BrokenAxis, start: bigint, len: bigint): { x0: number; x1: number } => {
  const x0 = axis.x(start)
  const x1 = axis.x(start + len)
  // A range too small to see at its island's scale still gets a visible sliver.
  if (x1 - x0 >= 2) return { x0, x1 }
  const c = (x0 + x1) / 2
  return { x0: c - 1, x1: c + 1 }
}

/** Inner tick marks of a box every `step` bytes from an aligned start. */
export function innerTicks(axis: BrokenAxis, start: bigint, len: bigint, step: bigint, max = 64): number[] {
  if (step <= 0n || len / step > BigInt(max) || len / step < 2n) return []
  const out: number[] = []
  for (let a = start + step; a < start + len; a += step) out.push(axis.x(a))
  return out
}
