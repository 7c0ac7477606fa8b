/** Offsets in a file's text as the compiler prints them: 1-based line and column. */

export interface Position {
  readonly line: number
  readonly column: number
}

/** The offset where each line starts. */
export function lineStarts(text: string): number[] {
  const out = [0]
  for (let i = 0; i < text.length; i++) if (text.charCodeAt(i) === 10) out.push(i + 1)
  return out
}

/** The line and column of an offset, given the text's lineStarts(). */
export function positionAt(starts: readonly number[], offset: number): Position {
  let lo = 0
  let hi = starts.length - 1
  while (lo < hi) {
    const mid = (lo + hi + 1) >> 1
    if ((starts[mid] as number) <= offset) lo = mid
    else hi = mid - 1
  }
  return { line: lo + 1, column: offset - (starts[lo] as number) + 1 }
}
