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
import type { DmaEventClass, DmaEventName, TraceDir } from './events.js'
import { DMA_EVENTS, isDmaEvent } from './events.js'
import { FieldReader } from './field-reader.js'
import { unreachable } from '../plan/unreachable.js'

/** What every event line has. */
export interface TraceHeader {
  /** 1-based line number in the trace. */
  readonly line: number
  readonly task: string
  readonly pid: number
  readonly cpu: number
  /** The interrupt level it ran at (0 task, 1 softirq, 2 hardirq, 3 NMI), from the flags column; 0 without one (trace-cmd). */
  readonly irq: number
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

export { TraceSyntaxError } from './trace-error.js'

// task-pid [cpu] (flags) seconds: event: fields. The task's name may hold spaces and dashes: the pid is the last -digits before " [".
const EVENT_LINE = /^\s*(.*?)-(\d+)\s+(?:\(\s*[-\d]*\)\s+)?\[(\d+)\]\s+(?:([.A-Za-z0-9]{4,5})\s+)?(\d+\.\d+):\s+(\w+):\s?(.*)$/
/**
 * EVENT_LINE from the pid on, unanchored: its first match is at the first
 * dash the rest of the line fits, which is where EVENT_LINE's lazy task name
 * ends, without the backtracking. It holds for lines without line breaks
 * (what a line reader gives); any other line goes through EVENT_LINE.
 */
const EVENT_TAIL = /-(\d+)\s+(?:\(\s*[-\d]*\)\s+)?\[(\d+)\]\s+(?:([.A-Za-z0-9]{4,5})\s+)?(\d+\.\d+):\s+(\w+):\s?/g
const LINE_BREAK = /[\n\r\u2028\u2029]/

/** Parse one line (1-based `line` for messages). */
export function parseTraceLine(text: string, line: number): TraceLine {
  let task: string, pid: string, cpu: string, flags: string, time: string, name: string, fields: number
  if (LINE_BREAK.test(text)) {
    const m = EVENT_LINE.exec(text)
    if (m === null) return { kind: 'none' }
    task = m[1] ?? ''
    pid = m[2] ?? ''
    cpu = m[3] ?? ''
    flags = m[4] ?? ''
    time = m[5] ?? ''
    name = m[6] ?? ''
    fields = text.length - (m[7] ?? '').length
  } else {
    EVENT_TAIL.lastIndex = 0
    const m = EVENT_TAIL.exec(text)
    if (m === null) return { kind: 'none' }
    // EVENT_LINE's \s* and String.prototype.trimStart() strip the same characters.
    task = text.slice(0, m.index).trimStart()
    pid = m[1] ?? ''
    cpu = m[2] ?? ''
    flags = m[3] ?? ''
    time = m[4] ?? ''
    name = m[5] ?? ''
    fields = EVENT_TAIL.lastIndex
  }
  const irq = irqLevel(flags)
  if (!name.startsWith('dma_')) return { kind: 'other', header: { line, task, pid: Number(pid), cpu: Number(cpu), irq, time }, name }
  if (!isDmaEvent(name)) return { kind: 'unknown', header: { line, task, pid: Number(pid), cpu: Number(cpu), irq, time }, name }
  return { kind: 'dma', event: readEvent(new FieldReader(line, name, text, fields), task, Number(pid), Number(cpu), irq, time) }
}

/** How deep in interrupts an event ran: the flags column's hardirq/softirq letter (kernel/trace/trace_output.c, trace_print_lat_fmt()). */
export function irqLevel(flags: string): number {
  const c = flags.length > 2 ? flags[2] : '.'
  return c === 'z' || c === 'Z' ? 3 : c === 'h' || c === 'H' ? 2 : c === 's' ? 1 : 0
}

/**
 * The fields of one event, read left to right as the format prints them.
 * Each class's object is written out whole (no spreads of a shared base):
 * this runs once per event of traces of millions.
 */
function readEvent(r: FieldReader, task: string, pid: number, cpu: number, irq: number, time: string): DmaTraceEvent {
  const { line, event } = r
  const device = r.device()
  const dir = r.dir()
  let e: DmaTraceEvent
  const eventClass = DMA_EVENTS[event].class
  switch (eventClass) {
    case 'map': {
      const dma = r.hex('dma_addr')
      const size = r.dec('size')
      const phys = r.hex('phys_addr')
      e = { line, task, pid, cpu, irq, time, event, class: 'map', device, dir, dma, size, phys, attrs: r.attrs() }
      break
    }
    case 'unmap': {
      const dma = r.hex('dma_addr')
      const size = r.dec('size')
      e = { line, task, pid, cpu, irq, time, event, class: 'unmap', device, dir, dma, size, attrs: r.attrs() }
      break
    }
    case 'map-sg': {
      const nents = r.count('nents')
      const ents = r.count('ents')
      const truncated = r.marker('[TRUNCATED]')
      const dmaAddrs = r.array('dma_addrs')
      const sizes = r.array('sizes')
      const physAddrs = r.array('phys_addrs')
      e = { line, task, pid, cpu, irq, time, event, class: 'map-sg', device, dir, nents, ents, truncated, dmaAddrs, sizes, physAddrs, attrs: r.attrs() }
      break
    }
    case 'map-sg-err': {
      const physAddrs = r.array('dma_addrs')
      const err = r.int('err')
      e = { line, task, pid, cpu, irq, time, event, class: 'map-sg-err', device, dir, physAddrs, err, attrs: r.attrs() }
      break
    }
    case 'unmap-sg': {
      const physAddrs = r.array('phys_addrs')
      e = { line, task, pid, cpu, irq, time, event, class: 'unmap-sg', device, dir, physAddrs, attrs: r.attrs() }
      break
    }
    case 'sync-single': {
      const dma = r.hex('dma_addr')
      e = { line, task, pid, cpu, irq, time, event, class: 'sync-single', device, dir, dma, size: r.dec('size') }
      break
    }
    case 'sync-sg': {
      const dmaAddrs = r.array('dma_addrs')
      e = { line, task, pid, cpu, irq, time, event, class: 'sync-sg', device, dir, dmaAddrs, sizes: r.array('sizes') }
      break
    }
    case 'alloc': {
      const dma = r.hex('dma_addr')
      const size = r.dec('size')
      r.word('virt_addr')
      const flags = r.word('flags')
      e = { line, task, pid, cpu, irq, time, event, class: 'alloc', device, dir, dma, size, flags, attrs: r.attrs() }
      break
    }
    case 'alloc-sgt': {
      const dma = r.hex('dma_addr')
      const size = r.dec('size')
      const physAddrs = r.array('phys_addrs')
      const flags = r.word('flags')
      e = { line, task, pid, cpu, irq, time, event, class: 'alloc-sgt', device, dir, dma, size, physAddrs, flags, attrs: r.attrs() }
      break
    }
    case 'free': {
      const dma = r.hex('dma_addr')
      const size = r.dec('size')
      r.word('virt_addr')
      e = { line, task, pid, cpu, irq, time, event, class: 'free', device, dir, dma, size, attrs: r.attrs() }
      break
    }
    case 'free-sgt': {
      const dma = r.hex('dma_addr')
      const size = r.dec('size')
      e = { line, task, pid, cpu, irq, time, event, class: 'free-sgt', device, dir, dma, size, physAddrs: r.array('phys_addrs') }
      break
    }
    default:
      unreachable(eventClass)
  }
  r.end()
  return e
}
