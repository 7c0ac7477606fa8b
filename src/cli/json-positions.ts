/**
 * Where each value of a JSON document starts, by path ("steps.3.tx"), so that
 * a rule broken by a JSON plan is reported at file:line:col like a type error.
 * A small scanner: the document has already been parsed by JSON.parse, so it
 * only has to find value starts, not validate.
 */
import { lineStarts, positionAt } from './text-position.js'

export type Positions = ReadonlyMap<string, { readonly line: number; readonly column: number }>

/** A plan's values lie at most this deep (steps.3.observed.dma.0): deeper ones are scanned past, not recorded. */
const MAX_DEPTH = 8

interface Open {
  readonly close: '}' | ']'
  readonly path: string
  readonly depth: number
  n: number
}

/** Iterative, so that a document nested 100,000 deep is scanned, not a stack overflow. */
export function jsonPositions(text: string): Positions {
  const out = new Map<string, { line: number; column: number }>()
  let i = 0
  const starts = lineStarts(text)
  const ws = () => {
    while (i < text.length && /\s/.test(text[i] as string)) i++
  }
  const str = (): string => {
    const start = i
    i++
    while (i < text.length && text[i] !== '"') i += text[i] === '\\' ? 2 : 1
    i++
    return JSON.parse(text.slice(start, i)) as string
  }
  const stack: Open[] = []
  // Beyond MAX_DEPTH no path is built: a path per level would grow with the square of the depth.
  const child = (parent: Open, key: string) => (parent.depth >= MAX_DEPTH ? '' : parent.path ? `${parent.path}.${key}` : key)
  // The next value, at `path`: an object or array opens a frame; anything else is passed.
  const value = (path: string, depth: number) => {
    ws()
    if (depth <= MAX_DEPTH) out.set(path, positionAt(starts, i))
    const c = text[i]
    if (c === '{' || c === '[') {
      i++
      stack.push({ close: c === '{' ? '}' : ']', path, depth, n: 0 })
    } else if (c === '"') str()
    else while (i < text.length && !/[\s,\]}]/.test(text[i] as string)) i++
  }
  value('', 0)
  while (stack.length > 0 && i < text.length) {
    const top = stack[stack.length - 1] as Open
    ws()
    if (text[i] === ',') {
      i++
      ws()
    }
    if (text[i] === top.close) {
      i++
      stack.pop()
      continue
    }
    if (top.close === '}') {
      const key = str()
      ws()
      i++ // ':'
      value(child(top, key), top.depth + 1)
    } else value(child(top, String(top.n++)), top.depth + 1)
  }
  return out
}
