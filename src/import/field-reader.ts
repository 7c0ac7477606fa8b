/**
 * The space-separated fields of a trace event, consumed in order by a
 * cursor over the line itself: no token array, no regex per field, since
 * it runs for every event of traces of millions. Whitespace is what
 * String.prototype.trim() strips (the separators of the text the kernel
 * printed are single spaces; anything else is read the same way).
 */
import { U64_MAX } from '../plan/u64.js'
import type { DmaEventName, TraceDir } from './events.js'
import { TRACE_ATTRS, TRACE_DIRS } from './events.js'
import { TraceSyntaxError } from './trace-error.js'

const OTHER_SPACE = /\s/
const ATTR_NAMES: ReadonlySet<string> = new Set(TRACE_ATTRS)

function isSpace(c: number): boolean {
  return c === 32 || (c >= 9 && c <= 13) || (c > 127 && OTHER_SPACE.test(String.fromCharCode(c)))
}

/** 0-9 a-f (the kernel prints %llx and %x in lower case). */
function hexDigit(c: number): boolean {
  return (c >= 48 && c <= 57) || (c >= 97 && c <= 102)
}

function allHex(v: string, from = 0): boolean {
  if (v.length <= from) return false
  for (let i = from; i < v.length; i++) if (!hexDigit(v.charCodeAt(i))) return false
  return true
}

function allDecimal(v: string): boolean {
  if (v.length === 0) return false
  for (let i = 0; i < v.length; i++) {
    const c = v.charCodeAt(i)
    if (c < 48 || c > 57) return false
  }
  return true
}

/** Up to 13 hex digits fit a double exactly; BigInt() of a string is slower. */
function hexValue(digits: string): bigint {
  return digits.length <= 13 ? BigInt(parseInt(digits, 16)) : BigInt(`0x${digits}`)
}

/** A hex digit's value, or -1. */
function hexDigitValue(c: number): number {
  if (c >= 48 && c <= 57) return c - 48
  if (c >= 97 && c <= 102) return c - 87
  return -1
}

export class FieldReader {
  #at: number
  readonly #end: number
  /** Where the value #value() found ends. */
  #valueEnd = 0

  constructor(
    readonly line: number,
    readonly event: DmaEventName,
    readonly text: string,
    from: number,
  ) {
    let end = text.length
    while (end > from && isSpace(text.charCodeAt(end - 1))) end--
    this.#end = end
    this.#at = from
    this.#skipSpace()
  }

  #fail(why: string): never {
    throw new TraceSyntaxError(this.line, `${this.event}: ${why}`)
  }

  #skipSpace(): void {
    while (this.#at < this.#end && isSpace(this.text.charCodeAt(this.#at))) this.#at++
  }

  #next(what: string): string {
    if (this.#at >= this.#end) this.#fail(`the line ends before its ${what} (is it cut short?)`)
    const from = this.#at
    while (this.#at < this.#end && !isSpace(this.text.charCodeAt(this.#at))) this.#at++
    const t = this.text.slice(from, this.#at)
    this.#skipSpace()
    return t
  }

  /** Moves past the next field, which must be key=…; where its value starts (it ends at #valueEnd). Nothing is copied. */
  #value(key: string): number {
    const text = this.text
    if (this.#at >= this.#end) this.#fail(`the line ends before its ${key}= (is it cut short?)`)
    const from = this.#at
    let to = from
    while (to < this.#end && !isSpace(text.charCodeAt(to))) to++
    this.#at = to
    this.#skipSpace()
    const n = key.length
    if (to - from > n && text.charCodeAt(from + n) === 61 && text.startsWith(key, from)) {
      this.#valueEnd = to
      return from + n + 1
    }
    const t = text.slice(from, to)
    if (this.#at >= this.#end && `${key}=`.startsWith(t)) this.#fail(`the line ends inside its ${key}= (is it cut short?)`)
    this.#fail(`expected ${key}=… where the line has "${t}"`)
  }

  #field(key: string): string {
    const from = this.#value(key)
    return this.text.slice(from, this.#valueEnd)
  }

  device(): string {
    const t = this.#next('device')
    if (t.includes('=')) this.#fail(`the line has no device name before "${t}"`)
    return t
  }

  dir(): TraceDir {
    const from = this.#value('dir')
    const length = this.#valueEnd - from
    for (const d of TRACE_DIRS) if (d.length === length && this.text.startsWith(d, from)) return d
    this.#fail(`dir=${this.text.slice(from, this.#valueEnd)} is not one of ${TRACE_DIRS.join(', ')}`)
  }

  /** Read in place: digit by digit into a double while it is exact (13 digits), through a string past that. */
  hex(key: string): bigint {
    const from = this.#value(key)
    const to = this.#valueEnd
    let n = 0
    for (let i = from; i < to; i++) {
      const d = hexDigitValue(this.text.charCodeAt(i))
      if (d < 0) n = -1
      if (n < 0) break
      n = n * 16 + d
    }
    if (n >= 0 && to > from && to - from <= 13) return BigInt(n)
    const v = this.text.slice(from, to)
    if (v.length > 16 || !allHex(v)) this.#fail(allHex(v) ? `${key}=${v} is wider than 64 bits` : `${key}=${v} is not a hexadecimal address`)
    return hexValue(v)
  }

  dec(key: string): bigint {
    const from = this.#value(key)
    const to = this.#valueEnd
    let n = 0
    for (let i = from; i < to; i++) {
      const c = this.text.charCodeAt(i)
      if (c < 48 || c > 57) n = -1
      if (n < 0) break
      n = n * 10 + (c - 48)
    }
    if (n >= 0 && to > from && to - from <= 15) return BigInt(n)
    const v = this.text.slice(from, to)
    if (v.length > 20 || !allDecimal(v)) this.#fail(`${key}=${v} is not a 64-bit size`)
    const big = BigInt(v)
    if (big > U64_MAX) this.#fail(`${key}=${v} is not a 64-bit size`)
    return big
  }

  int(key: string): number {
    const v = this.#field(key)
    if (!/^-?\d{1,10}$/.test(v)) this.#fail(`${key}=${v} is not a number`)
    return Number(v)
  }

  /** "a/b": the traced count and the full one; the full one is what the call had. */
  count(key: string): number {
    const v = this.#field(key)
    const slash = v.indexOf('/')
    if (slash < 0 || !allDecimal(v.slice(0, slash)) || !allDecimal(v.slice(slash + 1))) this.#fail(`${key}=${v} is not a count of the form traced/full`)
    return Number(v.slice(slash + 1))
  }

  marker(word: string): boolean {
    if (!this.text.startsWith(word, this.#at)) return false
    const after = this.#at + word.length
    if (after < this.#end && !isSpace(this.text.charCodeAt(after))) return false
    this.#at = after
    this.#skipSpace()
    return true
  }

  /** __print_array() of u64 or unsigned int: {0x1,0x2}, {} when empty. */
  array(key: string): bigint[] {
    const v = this.#field(key)
    const bad = () => this.#fail(`${key}=${v} is not a list such as {0x1000,0x2000} (is it cut short?)`)
    if (v.length < 2 || v.charCodeAt(0) !== 123 || v.charCodeAt(v.length - 1) !== 125) bad()
    if (v.length === 2) return []
    const items = v.slice(1, -1).split(',')
    for (const x of items) if (x.charCodeAt(0) !== 48 || x.charCodeAt(1) !== 120 || !allHex(x, 2)) bad()
    for (const x of items) if (x.length > 18) this.#fail(`${key} holds ${x}, wider than 64 bits`)
    return items.map((x) => hexValue(x.slice(2)))
  }

  /** A field whose value the importer keeps as text (a pointer, GFP flags). */
  word(key: string): string {
    return this.#field(key)
  }

  /** decode_dma_attrs(): names joined by "|", a hex rest for bits without a name, empty for none. */
  attrs(): string[] {
    const v = this.#field('attrs')
    if (v === '') return []
    const parts = v.split('|')
    for (const p of parts) if (!ATTR_NAMES.has(p) && !(p.startsWith('0x') && allHex(p, 2))) this.#fail(`attrs=${v} holds ${p}, not a DMA attribute`)
    return parts
  }

  end(): void {
    if (this.#at < this.#end) this.#fail(`the line goes on after its last field: "${this.text.slice(this.#at, this.#end).split(/\s+/).join(' ')}"`)
  }
}
