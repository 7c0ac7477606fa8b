/**
 * Where each value of a JSON document starts, by path ("steps.3.tx"), so that
 * a rule broken by a JSON plan is reported at file:line:col like a type error.
 * A small scanner: the document has already been parsed by JSON.parse, so it
 * only has to find value starts, not validate.
 */
import { lineStarts, positionAt } from './text-position.js'

export type Positions = ReadonlyMap<string, { readonly line: number; readonly column: number }>

export function jsonPositions(text: string): Positions {
  const out = new Map<string, { line: number; column: number }>()
  let i = 0
  const starts = lineStarts(text)
  const where = (offset: number) => positionAt(starts, offset)
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
  const value = (path: string) => {
    ws()
    out.set(path, where(i))
    const c = text[i]
    if (c === '{') {
      i++
      ws()
      while (text[i] !== '}' && i < text.length) {
        ws()
        const key = str()
        ws()
        i++ // ':'
        value(path ? `${path}.${key}` : key)
        ws()
        if (text[i] === ',') i++
        ws()
      }
      i++
    } else if (c === '[') {
      i++
      ws()
      let n = 0
      while (text[i] !== ']' && i < text.length) {
        value(path ? `${path}.${n}` : String(n))
        n++
        ws()
        if (text[i] === ',') i++
        ws()
      }
      i++
    } else if (c === '"') {
      str()
    } else {
      while (i < text.length && !/[\s,\]}]/.test(text[i] as string)) i++
    }
  }
  value('')
  return out
}
