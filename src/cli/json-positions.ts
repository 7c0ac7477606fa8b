/**
 * Where each value of a JSON document starts, by path ("steps.3.tx"), so that
 * a rule broken by a JSON plan is reported at file:line:col like a type error,
 * and the first key an object repeats (JSON.parse keeps the last silently; a
 * plan that says one thing twice is refused). A small scanner over character
 * codes: the document has already been parsed by JSON.parse, so it only has
 * to find value starts and keys, not validate.
 */
import { lineStarts, positionAt } from './text-position.js'
import type { Position } from './text-position.js'

export type Positions = ReadonlyMap<string, Position>

/** A key an object has twice: the path of the second, where it is written. */
export interface DuplicateKey extends Position {
  readonly path: string
  readonly key: string
}

/** A plan's values lie at most this deep (steps.3.observed.dma.0): deeper ones are scanned past, not recorded. */
const MAX_DEPTH = 8

interface Open {
  readonly close: 93 | 125 // ']' or '}'
  readonly path: string
  readonly depth: number
  n: number
  /** An object's keys so far. */
  readonly keys: Set<string> | undefined
}

const isSpace = (c: number) => c === 32 || c === 10 || c === 13 || c === 9
/** What ends a number, true, false or null. */
const endsLiteral = (c: number) => c === 44 || c === 93 || c === 125 || isSpace(c)

/**
 * Iterative, so that a document nested 100,000 deep is scanned, not a stack
 * overflow. Without `positions`, only the keys are looked at (no paths, no
 * positions: a plan of 100,000 regions is scanned in a fraction of the time),
 * and a duplicate found is located by a second, full scan.
 */
export function scanJson(text: string, positions = true): { readonly positions: Positions; readonly duplicate: DuplicateKey | undefined } {
  const out = new Map<string, Position>()
  let duplicate: DuplicateKey | undefined
  const n = text.length
  let i = 0
  const starts = positions ? lineStarts(text) : []
  const ws = () => {
    while (i < n && isSpace(text.charCodeAt(i))) i++
  }
  const str = (): string => {
    const start = i
    let escaped = false
    i++
    for (let c = text.charCodeAt(i); i < n && c !== 34; c = text.charCodeAt(i)) {
      if (c === 92) {
        escaped = true
        i += 2
      } else i++
    }
    i++
    return escaped ? (JSON.parse(text.slice(start, i)) as string) : text.slice(start + 1, i - 1)
  }
  const stack: Open[] = []
  // Beyond MAX_DEPTH no path is built: a path per level would grow with the square of the depth.
  const child = (parent: Open, key: string) => (!positions || parent.depth >= MAX_DEPTH ? '' : parent.path ? `${parent.path}.${key}` : key)
  // The next value, at `path`: an object or array opens a frame; anything else is passed.
  const value = (path: string, depth: number) => {
    ws()
    if (positions && depth <= MAX_DEPTH) out.set(path, positionAt(starts, i))
    const c = text.charCodeAt(i)
    if (c === 123 || c === 91) {
      i++
      stack.push({ close: c === 123 ? 125 : 93, path, depth, n: 0, keys: c === 123 ? new Set() : undefined })
    } else if (c === 34) str()
    else while (i < n && !endsLiteral(text.charCodeAt(i))) i++
  }
  value('', 0)
  while (stack.length > 0 && i < n) {
    const top = stack[stack.length - 1] as Open
    ws()
    if (text.charCodeAt(i) === 44) {
      i++
      ws()
    }
    if (text.charCodeAt(i) === top.close) {
      i++
      stack.pop()
      continue
    }
    if (top.keys !== undefined) {
      const at = i
      const key = str()
      if (top.keys.has(key)) {
        if (!positions) return scanJson(text, true)
        duplicate ??= { path: child(top, key) || top.path, key, ...positionAt(starts, at) }
      } else top.keys.add(key)
      ws()
      i++ // ':'
      value(child(top, key), top.depth + 1)
    } else value(child(top, String(top.n++)), top.depth + 1)
  }
  return { positions: out, duplicate }
}

export function jsonPositions(text: string): Positions {
  return scanJson(text).positions
}
