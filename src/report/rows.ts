/**
 * Greedy placement of labels into rows so that none overlap: each label
 * takes the first row where it clears the previous one. Deterministic: ties
 * keep the input order.
 */
export interface Wanted<T> {
  readonly x0: number
  readonly x1: number
  readonly item: T
}

export interface Placed<T> extends Wanted<T> {
  readonly row: number
}

export function placeRows<T>(wanted: readonly Wanted<T>[], pad = 8): { readonly rows: number; readonly placed: Placed<T>[] } {
  const order = wanted.map((w, i) => ({ w, i })).sort((a, b) => a.w.x0 - b.w.x0 || a.i - b.i)
  const ends: number[] = []
  const placed: Placed<T>[] = []
  for (const { w } of order) {
    let row = ends.findIndex((end) => end + pad <= w.x0)
    if (row < 0) {
      row = ends.length
      ends.push(w.x1)
    } else ends[row] = w.x1
    placed.push({ ...w, row })
  }
  return { rows: ends.length, placed }
}

/** Clamp a label of width w centred on cx into [lo, hi]. */
export function clampSpan(cx: number, w: number, lo: number, hi: number): { x0: number; x1: number } {
  let x0 = cx - w / 2
  if (x0 + w > hi) x0 = hi - w
  if (x0 < lo) x0 = lo
  return { x0, x1: x0 + w }
}
