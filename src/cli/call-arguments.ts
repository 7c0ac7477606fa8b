/**
 * Where in a plan's source a rule broken at run time is written: the builder
 * call a violation names (its stack frame gives the line, and the column
 * where the loader keeps one), then the argument the type-level check marks
 * (Violation.focus), found by reading the call's text. It knows brackets,
 * strings, template literals and comments, and nothing more: enough to walk
 * a call's arguments, an object's properties and an array's elements, so
 * that tsc, `check` and `simulate` name the same line and column.
 */
import type { ArgumentPath } from '../plan/rules/validate.js'
import { lineStarts, positionAt } from './text-position.js'
import type { Position } from './text-position.js'

export type { Position } from './text-position.js'

const CLOSE: Readonly<Record<string, string>> = { '(': ')', '[': ']', '{': '}' }
const IDENT = /[A-Za-z0-9_$]/

/**
 * The position of `path` inside the call of `method` written at `call`, or
 * as deep into it as the source's literals go (an argument that is a
 * variable is marked where it is written); undefined when the call is not
 * found on that line.
 */
export function focusPosition(source: string, call: Position, method: string, path: ArgumentPath): Position | undefined {
  const starts = lineStarts(source)
  const lineStart = starts[call.line - 1]
  if (lineStart === undefined) return undefined
  const name = findMethod(source, lineStart, lineStart + call.column - 1, starts[call.line] ?? source.length, method)
  if (name === undefined) return undefined
  let at = name
  let node = skipTrivia(source, name + method.length)
  if (source[node] !== '(') return positionAt(starts, at)
  for (const step of path) {
    const items = members(source, node)
    const item = typeof step === 'number' ? items[step] : items.find((m) => m.key === step)
    if (item === undefined) break
    at = item.start
    node = item.value
    if (CLOSE[source[node] as string] === undefined) break
  }
  return positionAt(starts, at)
}

/** The method's name at `from` (a loader that keeps columns points there), else its first call on the line. */
function findMethod(source: string, lineStart: number, from: number, lineEnd: number, method: string): number | undefined {
  const isName = (i: number) => source.startsWith(method, i) && !IDENT.test(source[i - 1] ?? ' ') && !IDENT.test(source[i + method.length] ?? ' ')
  if (from >= lineStart && isName(from)) return from
  for (let i = source.indexOf(method, lineStart); i >= 0 && i < lineEnd; i = source.indexOf(method, i + 1)) {
    if (isName(i) && source[skipTrivia(source, i + method.length)] === '(') return i
  }
  return undefined
}

interface Member {
  /** Where the element, argument or property (its name) starts. */
  readonly start: number
  /** Where its value starts: the same as start, except for a property. */
  readonly value: number
  readonly key?: string
}

/** The top-level members of the bracketed list opening at `open`: a call's arguments, an array's elements, an object's properties. */
function members(source: string, open: number): Member[] {
  const close = CLOSE[source[open] as string]
  const out: Member[] = []
  let start: number | undefined
  const push = () => {
    if (start !== undefined) out.push(member(source, start, source[open] === '{'))
    start = undefined
  }
  for (let i = skipTrivia(source, open + 1); i < source.length; i = skipTrivia(source, i)) {
    const ch = source[i]
    if (ch === close) {
      push()
      break
    }
    if (ch === ',') {
      push()
      i++
      continue
    }
    start ??= i
    i = skipToken(source, i)
  }
  return out
}

function member(source: string, start: number, property: boolean): Member {
  if (!property) return { start, value: start }
  const q = source[start]
  const end = q === "'" || q === '"' ? skipToken(source, start) : identifierEnd(source, start)
  const key = q === "'" || q === '"' ? source.slice(start + 1, end - 1) : source.slice(start, end)
  const after = skipTrivia(source, end)
  return { start, key, value: source[after] === ':' ? skipTrivia(source, after + 1) : start }
}

function identifierEnd(source: string, i: number): number {
  let j = i
  while (j < source.length && IDENT.test(source[j] as string)) j++
  return j
}

function skipTrivia(source: string, from: number): number {
  let i = from
  while (i < source.length) {
    const ch = source[i] as string
    if (ch === ' ' || ch === '\t' || ch === '\n' || ch === '\r') i++
    else if (ch === '/' && source[i + 1] === '/') i = lineEnd(source, i)
    else if (ch === '/' && source[i + 1] === '*') i = blockEnd(source, i)
    else break
  }
  return i
}

function lineEnd(source: string, i: number): number {
  const n = source.indexOf('\n', i)
  return n < 0 ? source.length : n + 1
}

function blockEnd(source: string, i: number): number {
  const n = source.indexOf('*/', i + 2)
  return n < 0 ? source.length : n + 2
}

/** Past one token: a string, a template literal, a bracketed group, a name, or one character. */
function skipToken(source: string, i: number): number {
  const ch = source[i] as string
  if (ch === "'" || ch === '"') {
    let j = i + 1
    while (j < source.length && source[j] !== ch && source[j] !== '\n') j += source[j] === '\\' ? 2 : 1
    return j + 1
  }
  if (ch === '`') {
    let j = i + 1
    while (j < source.length && source[j] !== '`') {
      if (source[j] === '\\') j += 2
      else if (source[j] === '$' && source[j + 1] === '{') j = skipToken(source, j + 1)
      else j++
    }
    return j + 1
  }
  const close = CLOSE[ch]
  if (close !== undefined) {
    let j = skipTrivia(source, i + 1)
    while (j < source.length && source[j] !== close) j = skipTrivia(source, skipToken(source, j))
    return j + 1
  }
  if (IDENT.test(ch)) return identifierEnd(source, i)
  return i + 1
}
