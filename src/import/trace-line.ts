/**
 * One line of a trace: the text of tracefs's `trace` file (or `trace_pipe`)
 * or of `trace-cmd report`, both of which print an event as
 *
 *     <task>-<pid> [<cpu>] <flags> <seconds>: <event>: <fields>
 *
 * (trace-cmd without the flags column). A `dma` event's fields are parsed
 * as its TP_printk() format prints them (events.ts), strictly: a known event
 * whose fields are not all there, not in order or not of their kind is an
 * error with the line number and one sentence, never a guess. Lines that
 * are not events (headers, comments), and events of other systems, are not
 * dma events; a `dma_*` event the catalogue does not know is reported as
 * unknown, so that a reader can count what it skipped.
 */
import { U64_MAX } from '../plan/u64.js'
import type { DmaEventClass, DmaEventName, TraceDir } from './events.js'
import { DMA_EVENTS, isDmaEvent, TRACE_ATTRS, TRACE_DIRS } from './events.js'

/** What every event line has. */
export interface TraceHeader {
  /** 1-based line number in the trace. */
  readonly line: number
  readonly task: string
  readonly pid: number
  readonly cpu: number
  /** The timestamp as printed (seconds, with its own precision). */
  readonly time: string
}

interface DmaBase<C extends DmaEventClass> extends TraceHeader {
  readonly event: DmaEventName
  readonly class: C
  /** dev_name(): a PCI device's address, such as 0000:00:04.0. */
  readonly device: string
  readonly dir: TraceDir
}

export type DmaTraceEvent =
  | (DmaBase<'map'> & { readonly dma: bigint; readonly size: bigint; readonly phys: bigint; readonly attrs: readonly string[] })
  | (DmaBase<'unmap'> & { readonly dma: bigint; readonly size: bigint; readonly attrs: readonly string[] })
  | (DmaBase<'map-sg'> & {
      /** Entries of the list, and of the mapped (DMA) list; the arrays hold at most 128 of each (DMA_TRACE_MAX_ENTRIES). */
      readonly nents: number
      readonly ents: number
      readonly truncated: boolean
      readonly dmaAddrs: readonly bigint[]
      readonly sizes: readonly bigint[]
      readonly physAddrs: readonly bigint[]
      readonly attrs: readonly string[]
    })
  | (DmaBase<'map-sg-err'> & { readonly physAddrs: readonly bigint[]; readonly err: number; readonly attrs: readonly string[] })
  | (DmaBase<'unmap-sg'> & { readonly physAddrs: readonly bigint[]; readonly attrs: readonly string[] })
  | (DmaBase<'sync-single'> & { readonly dma: bigint; readonly size: bigint })
  | (DmaBase<'sync-sg'> & { readonly dmaAddrs: readonly bigint[]; readonly sizes: readonly bigint[] })
  | (DmaBase<'alloc'> & { readonly dma: bigint; readonly size: bigint; readonly flags: string; readonly attrs: readonly string[] })
  | (DmaBase<'alloc-sgt'> & { readonly dma: bigint; readonly size: bigint; readonly physAddrs: readonly bigint[]; readonly flags: string; readonly attrs: readonly string[] })
  | (DmaBase<'free'> & { readonly dma: bigint; readonly size: bigint; readonly attrs: readonly string[] })
  | (DmaBase<'free-sgt'> & { readonly dma: bigint; readonly size: bigint; readonly physAddrs: readonly bigint[] })

export type TraceLine =
  | { readonly kind: 'dma'; readonly event: DmaTraceEvent }
  /** A `dma_*` event this catalogue does not know (a later release's). */
  | { readonly kind: 'unknown'; readonly header: TraceHeader; readonly name: string }
  /** An event of another system. */
  | { readonly kind: 'other'; readonly header: TraceHeader; readonly name: string }
  /** Not an event: a header, a comment, a blank line. */
  | { readonly kind: 'none' }

/** A line of a known event that does not read as its format; `message` is one sentence. */
export class TraceSyntaxError extends Error {
  constructor(
    readonly line: number,
    message: string,
  ) {
    super(message)
    this.name = 'TraceSyntaxError'
  }
}

// task-pid [cpu] (flags) seconds: event: fields. The task's name may hold spaces and dashes: the pid is the last -digits before " [".
const EVENT_LINE = /^\s*(.*?)-(\d+)\s+(?:\(\s*[-\d]*\)\s+)?\[(\d+)\]\s+(?:([.A-Za-z0-9]{4,5})\s+)?(\d+\.\d+):\s+(\w+):\s?(.*)$/

/** Parse one line (1-based `line` for messages). */
export function parseTraceLine(text: string, line: number): TraceLine {
  const m = EVENT_LINE.exec(text)
  if (m === null) return { kind: 'none' }
  const [, task = '', pid = '', cpu = '', , time = '', name = '', fields = ''] = m
  const header: TraceHeader = { line, task, pid: Number(pid), cpu: Number(cpu), time }
  if (!name.startsWith('dma_')) return { kind: 'other', header, name }
  if (!isDmaEvent(name)) return { kind: 'unknown', header, name }
  return { kind: 'dma', event: parseFields(header, name, fields.trim()) }
}

/** The fields of one event, read left to right as the format prints them. */
function parseFields(h: TraceHeader, event: DmaEventName, text: string): DmaTraceEvent {
  const cls = DMA_EVENTS[event].class
  const r = new FieldReader(h.line, event, text)
  const device = r.device()
  const dir = r.dir()
  const base = { ...h, event, device, dir }
  let e: DmaTraceEvent
  switch (cls) {
    case 'map':
      e = { ...base, class: cls, dma: r.hex('dma_addr'), size: r.dec('size'), phys: r.hex('phys_addr'), attrs: r.attrs() }
      break
    case 'unmap':
      e = { ...base, class: cls, dma: r.hex('dma_addr'), size: r.dec('size'), attrs: r.attrs() }
      break
    case 'map-sg': {
      const nents = r.count('nents')
      const ents = r.count('ents')
      const truncated = r.marker('[TRUNCATED]')
      e = { ...base, class: cls, nents, ents, truncated, dmaAddrs: r.array('dma_addrs'), sizes: r.array('sizes'), physAddrs: r.array('phys_addrs'), attrs: r.attrs() }
      break
    }
    case 'map-sg-err':
      e = { ...base, class: cls, physAddrs: r.array('dma_addrs'), err: r.int('err'), attrs: r.attrs() }
      break
    case 'unmap-sg':
      e = { ...base, class: cls, physAddrs: r.array('phys_addrs'), attrs: r.attrs() }
      break
    case 'sync-single':
      e = { ...base, class: cls, dma: r.hex('dma_addr'), size: r.dec('size') }
      break
    case 'sync-sg':
      e = { ...base, class: cls, dmaAddrs: r.array('dma_addrs'), sizes: r.array('sizes') }
      break
    case 'alloc': {
      const dma = r.hex('dma_addr')
      const size = r.dec('size')
      r.word('virt_addr')
      e = { ...base, class: cls, dma, size, flags: r.word('flags'), attrs: r.attrs() }
      break
    }
    case 'alloc-sgt':
      e = { ...base, class: cls, dma: r.hex('dma_addr'), size: r.dec('size'), physAddrs: r.array('phys_addrs'), flags: r.word('flags'), attrs: r.attrs() }
      break
    case 'free': {
      const dma = r.hex('dma_addr')
      const size = r.dec('size')
      r.word('virt_addr')
      e = { ...base, class: cls, dma, size, attrs: r.attrs() }
      break
    }
    case 'free-sgt':
      e = { ...base, class: cls, dma: r.hex('dma_addr'), size: r.dec('size'), physAddrs: r.array('phys_addrs') }
      break
  }
  r.end()
  return e
}

const U64 = (v: bigint): boolean => v >= 0n && v <= U64_MAX

/** The space-separated fields of an event, consumed in order. */
class FieldReader {
  readonly #tokens: string[]
  #at = 0

  constructor(
    readonly line: number,
    readonly event: string,
    text: string,
  ) {
    this.#tokens = text === '' ? [] : text.split(/\s+/)
  }

  #fail(why: string): never {
    throw new TraceSyntaxError(this.line, `${this.event}: ${why}`)
  }

  #next(what: string): string {
    const t = this.#tokens[this.#at++]
    if (t === undefined) this.#fail(`the line ends before its ${what} (is it cut short?)`)
    return t
  }

  #field(key: string): string {
    const t = this.#next(`${key}=`)
    if (!t.startsWith(`${key}=`) && this.#at === this.#tokens.length && `${key}=`.startsWith(t)) this.#fail(`the line ends inside its ${key}= (is it cut short?)`)
    if (!t.startsWith(`${key}=`)) this.#fail(`expected ${key}=… where the line has "${t}"`)
    return t.slice(key.length + 1)
  }

  device(): string {
    const t = this.#next('device')
    if (t.includes('=')) this.#fail(`the line has no device name before "${t}"`)
    return t
  }

  dir(): TraceDir {
    const v = this.#field('dir')
    const d = TRACE_DIRS.find((x) => x === v)
    if (d === undefined) this.#fail(`dir=${v} is not one of ${TRACE_DIRS.join(', ')}`)
    return d
  }

  hex(key: string): bigint {
    const v = this.#field(key)
    if (!/^[0-9a-f]{1,16}$/.test(v)) this.#fail(/^[0-9a-f]+$/.test(v) ? `${key}=${v} is wider than 64 bits` : `${key}=${v} is not a hexadecimal address`)
    return BigInt(`0x${v}`)
  }

  dec(key: string): bigint {
    const v = this.#field(key)
    if (!/^\d{1,20}$/.test(v) || !U64(BigInt(v))) this.#fail(`${key}=${v} is not a 64-bit size`)
    return BigInt(v)
  }

  int(key: string): number {
    const v = this.#field(key)
    if (!/^-?\d{1,10}$/.test(v)) this.#fail(`${key}=${v} is not a number`)
    return Number(v)
  }

  /** "a/b": the traced count and the full one; the full one is what the call had. */
  count(key: string): number {
    const v = this.#field(key)
    const m = /^(\d+)\/(\d+)$/.exec(v)
    if (m === null) this.#fail(`${key}=${v} is not a count of the form traced/full`)
    return Number(m[2])
  }

  marker(word: string): boolean {
    if (this.#tokens[this.#at] !== word) return false
    this.#at++
    return true
  }

  /** __print_array() of u64 or unsigned int: {0x1,0x2}, {} when empty. */
  array(key: string): bigint[] {
    const v = this.#field(key)
    if (!/^\{(0x[0-9a-f]+(,0x[0-9a-f]+)*)?\}$/.test(v)) this.#fail(`${key}=${v} is not a list such as {0x1000,0x2000} (is it cut short?)`)
    const items = v === '{}' ? [] : v.slice(1, -1).split(',')
    for (const x of items) if (x.length > 18) this.#fail(`${key} holds ${x}, wider than 64 bits`)
    return items.map((x) => BigInt(x))
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
    for (const p of parts) if (!(TRACE_ATTRS as readonly string[]).includes(p) && !/^0x[0-9a-f]+$/.test(p)) this.#fail(`attrs=${v} holds ${p}, not a DMA attribute`)
    return parts
  }

  end(): void {
    const rest = this.#tokens.slice(this.#at)
    if (rest.length > 0) this.#fail(`the line goes on after its last field: "${rest.join(' ')}"`)
  }
}
