/**
 * Writing SVG and HTML as text: attributes escaped, coordinates rounded to
 * a tenth of a pixel so that the same result always gives the same bytes.
 */
import { esc } from './escape.js'

export type Attrs = Readonly<Record<string, string | number | undefined>>

/** A coordinate or length: one decimal, no "-0". */
export function num(x: number): string {
  const r = Math.round(x * 10) / 10
  return Object.is(r, -0) ? '0' : String(r)
}

export function attrs(a: Attrs): string {
  let out = ''
  for (const [k, v] of Object.entries(a)) {
    if (v === undefined) continue
    out += ` ${k}="${typeof v === 'number' ? num(v) : esc(v)}"`
  }
  return out
}

/** An element; `children` is markup (already escaped), absent for an empty element. */
export function tag(name: string, a: Attrs, children?: string): string {
  return children === undefined ? `<${name}${attrs(a)}/>` : `<${name}${attrs(a)}>${children}</${name}>`
}

/** A text element with escaped content. */
export function text(a: Attrs, content: string): string {
  return tag('text', a, esc(content))
}

/** Estimated width of monospace text (the page uses a monospace face; about 0.61 em per character). */
export const textWidth = (s: string, fontSize: number): number => s.length * fontSize * 0.61
