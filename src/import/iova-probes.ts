/**
 * The two-step IOVA API in a trace. dma_iova_try_alloc/link/sync/unlink/
 * destroy/free (drivers/iommu/dma-iommu.c, 6.17 and later) have no `dma`
 * trace events, and from 7.x the block layer maps every multi-segment
 * request through them (block/blk-mq-dma.c, blk_rq_dma_map_iter_start()),
 * so a trace of the `dma` events alone misses an NVMe drive's I/O. Probe
 * events stand in: one on each exported function's entry with its
 * arguments and the device's name, and one on its exit with its result, in
 * the trace buffer that holds the `dma` events, so the order of all calls
 * is kept. IOVA_PROBES are the definitions for tracefs's `dynamic_events`
 * (x86-64: $argN are the C arguments, $arg7 comes from the stack); on a
 * release without the API the kernel refuses them and nothing is recorded.
 */
import { formatU64 } from '../plan/u64.js'
import { unreachable } from '../plan/unreachable.js'
import { TRACE_DIRS } from './events.js'
import { irqLevel } from './trace-line.js'

export { irqLevel }

/** irqLevel() of an NMI. */
const NMI_LEVEL = 3

/** The probes' group; their events are in events/dmaplan. */
export const IOVA_PROBE_GROUP = 'dmaplan'

/** struct dma_iova_state { dma_addr_t addr; u64 __size; } (include/linux/dma-mapping.h): state->addr at +0, __size at +8. */
const ADDR = 'addr=+0($arg2):x64'
const SIZE = 'state_size=+8($arg2):x64'
/** dev_name(dev): struct device starts with its kobject, which starts with its name. */
const DEV = 'dev=+0(+0($arg1)):string'

/**
 * The probes as fprobe events (`f:`, tracefs's dynamic_events,
 * Documentation/trace/fprobetrace.rst): on function entry and, with
 * %return, exit, through ftrace rather than a breakpoint. A kprobe hit
 * that comes in an interrupt while the CPU is inside another kprobe's
 * handler (a kretprobe's trampoline) is dropped and only counted
 * (kprobe_profile), and then the trace lacks a call: the lazy flush queue's
 * timer, which runs in a soft interrupt, was missed that way under QEMU; an
 * fprobe guards against recursion per interrupt level and records it. At
 * exit, $argN are the entry's arguments (saved at entry: store_trace_entry_data()
 * in kernel/trace/trace_probe.c), so after dma_iova_try_alloc() +0($arg2) is
 * the allocated address, or 0 (it clears the state first).
 */
export const IOVA_PROBES: readonly string[] = [
  `f:${IOVA_PROBE_GROUP}/iova_alloc dma_iova_try_alloc ${DEV} phys=$arg3:x64 size=$arg4:x64`,
  `f:${IOVA_PROBE_GROUP}/iova_alloc_ret dma_iova_try_alloc%return ret=$retval:u8 ${ADDR} ${SIZE}`,
  `f:${IOVA_PROBE_GROUP}/iova_link dma_iova_link ${DEV} ${ADDR} phys=$arg3:x64 offset=$arg4:x64 size=$arg5:x64 dir=$arg6:s32 attrs=$arg7:x64`,
  `f:${IOVA_PROBE_GROUP}/iova_link_ret dma_iova_link%return ret=$retval:s32`,
  `f:${IOVA_PROBE_GROUP}/iova_sync dma_iova_sync ${DEV} ${ADDR} offset=$arg3:x64 size=$arg4:x64`,
  `f:${IOVA_PROBE_GROUP}/iova_sync_ret dma_iova_sync%return ret=$retval:s32`,
  `f:${IOVA_PROBE_GROUP}/iova_unlink dma_iova_unlink ${DEV} ${ADDR} offset=$arg3:x64 size=$arg4:x64 dir=$arg5:s32 attrs=$arg6:x64`,
  `f:${IOVA_PROBE_GROUP}/iova_unlink_ret dma_iova_unlink%return`,
  `f:${IOVA_PROBE_GROUP}/iova_destroy dma_iova_destroy ${DEV} ${ADDR} ${SIZE} mapped_len=$arg3:x64 dir=$arg4:s32 attrs=$arg5:x64`,
  `f:${IOVA_PROBE_GROUP}/iova_destroy_ret dma_iova_destroy%return`,
  `f:${IOVA_PROBE_GROUP}/iova_free dma_iova_free ${DEV} ${ADDR} ${SIZE}`,
  `f:${IOVA_PROBE_GROUP}/iova_free_ret dma_iova_free%return`,
  // The lazy flush queue's timer (static, so the kernel may refuse it where it was inlined): it runs on a tick.
  `f:${IOVA_PROBE_GROUP}/fq_flush fq_flush_timeout`,
]

/** An fprobe definition as a kprobe event's (kprobe_events), for a kernel without fprobe events (CONFIG_FPROBE_EVENTS). */
export function asKprobe(fprobe: string): string {
  const m = /^f:(\S+) (\S+?)(%return)?(?: (.*))?$/.exec(fprobe)
  if (m === null) return fprobe
  return `${m[3] ? 'r' : 'p'}:${m[1]} ${m[2]}${m[4] ? ` ${m[4]}` : ''}`
}

/**
 * Shell lines that define and enable the probes under a tracefs mount: each
 * as an fprobe event, else as a kprobe event; a definition the kernel
 * refuses both ways (a release without the function) is skipped quietly.
 */
export function iovaProbeSetup(tracing: string): string[] {
  return [
    ...IOVA_PROBES.map((p) => `echo '${p}' 2>/dev/null >> ${tracing}/dynamic_events || echo '${asKprobe(p)}' 2>/dev/null >> ${tracing}/kprobe_events`),
    `[ -d ${tracing}/events/${IOVA_PROBE_GROUP} ] && echo 1 > ${tracing}/events/${IOVA_PROBE_GROUP}/enable`,
  ]
}

/** One probe hit: the event's name (without _ret for a return), where it was, and its fields. */
export interface ProbeHit {
  readonly line: number
  readonly cpu: number
  /** The interrupt level the call ran at (0 task, 1 softirq, 2 hardirq, 3 NMI), from the flags column; 0 without one (trace-cmd). */
  readonly irq: number
  /** The timestamp in seconds, as printed. */
  readonly time: string
  readonly event: IovaFn
  readonly ret: boolean
  readonly f: Readonly<Record<string, string>>
}

export type IovaFn = 'iova_alloc' | 'iova_link' | 'iova_sync' | 'iova_unlink' | 'iova_destroy' | 'iova_free'

const HIT = / \[(\d+)\] (?:(\S{4,5}) +)?(\d+\.\d+): (iova_(?:alloc|link|sync|unlink|destroy|free))(_ret)?: \((.*?)\)( .*)?$/

const TICK = / \[(\d+)\] (?:(\S{4,5}) +)?(\d+\.\d+): fq_flush: \(/

/** A line of the fq_flush probe: the flush queue's timer ran, on a tick, at `time` (s, as printed), on `cpu` at interrupt level `irq`. */
export interface TickHit {
  readonly time: string
  readonly cpu: number
  readonly irq: number
}

export function parseTickProbe(text: string): TickHit | undefined {
  const m = TICK.exec(text)
  return m === null ? undefined : { time: m[3] as string, cpu: Number(m[1]), irq: irqLevel(m[2] ?? '') }
}

/** A line written by one of IOVA_PROBES (`... [000] ..... 3.66: iova_link: (dma_iova_link+0x4/0x350) dev="0000:00:01.0" addr=0x...`), or undefined. */
export function parseIovaProbe(text: string, line: number): ProbeHit | undefined {
  const m = HIT.exec(text)
  if (m?.[4] === undefined) return undefined
  const f: Record<string, string> = {}
  for (const kv of (m[7] ?? '').trim().split(' ')) {
    const i = kv.indexOf('=')
    if (i > 0) f[kv.slice(0, i)] = kv.slice(i + 1).replace(/^"(.*)"$/, '$1')
  }
  // A kprobe taken through int3 (no optimized kprobes) runs as an NMI and says so in the flags; no DMA API call runs in one, so its level is not known: taken as the task's.
  const level = irqLevel(m[2] ?? '....')
  return { line, cpu: Number(m[1]), irq: level === NMI_LEVEL ? 0 : level, time: m[3] as string, event: m[4] as IovaFn, ret: m[5] !== undefined, f }
}

/**
 * A call of the two-step IOVA API: `addr` is state->addr at entry (after
 * dma_iova_try_alloc(): what it allocated, 0 when it said no), `stateSize`
 * the raw __size (bit 63 is DMA_IOVA_USE_SWIOTLB), `ret` undefined when the
 * call never returned. `within` names the IOVA API function that made the
 * call, when the kernel made it (dma_iova_destroy() calling
 * dma_iova_unlink()) rather than the driver. `device` is absent in traces
 * of probes without the device's name.
 */
export type IovaCall = (
  | { readonly fn: 'iova_alloc'; readonly phys: bigint; readonly size: bigint; readonly ok: boolean | undefined; readonly addr: bigint }
  | {
      readonly fn: 'iova_link'
      readonly addr: bigint
      readonly phys: bigint
      readonly offset: bigint
      readonly size: bigint
      readonly dir: string
      readonly attrs: bigint
      readonly ret: number | undefined
    }
  | { readonly fn: 'iova_sync'; readonly addr: bigint; readonly offset: bigint; readonly size: bigint; readonly ret: number | undefined }
  | { readonly fn: 'iova_unlink'; readonly addr: bigint; readonly offset: bigint; readonly size: bigint; readonly dir: string; readonly attrs: bigint }
  | { readonly fn: 'iova_destroy'; readonly addr: bigint; readonly stateSize: bigint; readonly mappedLen: bigint; readonly dir: string; readonly attrs: bigint }
  | { readonly fn: 'iova_free'; readonly addr: bigint; readonly stateSize: bigint }
) & { readonly within?: string; readonly device?: string }

const FN: Readonly<Record<IovaFn, string>> = {
  iova_alloc: 'dma_iova_try_alloc',
  iova_link: 'dma_iova_link',
  iova_sync: 'dma_iova_sync',
  iova_unlink: 'dma_iova_unlink',
  iova_destroy: 'dma_iova_destroy',
  iova_free: 'dma_iova_free',
}

/** The kernel's C name of an IovaCall's function. */
export const iovaFunction = (fn: IovaFn): string => FN[fn]

/** enum dma_data_direction by its value, as the dma events print it. */
export const dirName = (n: number): string => TRACE_DIRS[n] ?? `DIR_${n}`

/** A call opened by its entry hit: where it sits in the order of calls and who made it. */
interface OpenCall {
  readonly entry: ProbeHit
  readonly within?: string
}

/** What a hit says: a call opened (its entry, without results) or completed (with them). */
export interface PairedCall {
  readonly call: IovaCall
  readonly entry: ProbeHit
  readonly complete: boolean
}

/**
 * Entry and return hits paired into calls. A CPU at one interrupt level
 * runs one call at a time, so its returns come back last-in first-out; a
 * call whose entry comes while another IOVA API call is open on its CPU at
 * the same level was made by the kernel inside that one (an interrupt's
 * call, at a deeper level, was not: an NVMe completion in a hard interrupt
 * may unmap while the task's dma_iova_link() is open).
 */
export class IovaCallPairing {
  readonly #open = new Map<number, OpenCall[]>()

  hit(h: ProbeHit): PairedCall | undefined {
    const key = h.cpu * 4 + h.irq
    let open = this.#open.get(key)
    if (open === undefined) this.#open.set(key, (open = []))
    if (!h.ret) {
      const outer = open.at(-1)?.entry.event
      const o: OpenCall = { entry: h, ...(outer ? { within: FN[outer] } : {}) }
      open.push(o)
      return { call: iovaCall(h, undefined, o.within), entry: h, complete: false }
    }
    const i = open.findLastIndex((o) => o.entry.event === h.event)
    if (i < 0) return undefined
    const o = open[i] as OpenCall
    open.length = i
    return { call: iovaCall(o.entry, h, o.within), entry: o.entry, complete: true }
  }
}

function iovaCall(entry: ProbeHit, exit: ProbeHit | undefined, within: string | undefined): IovaCall {
  const e = entry.f
  const r = exit?.f
  const big = (v: string | undefined): bigint => (v === undefined || v === '' ? 0n : BigInt(v))
  const num = (v: string | undefined): number | undefined => (v === undefined ? undefined : Number(v))
  const w = { ...(within ? { within } : {}), ...(e.dev ? { device: e.dev } : {}) }
  switch (entry.event) {
    case 'iova_alloc':
      return { fn: 'iova_alloc', phys: big(e.phys), size: big(e.size), ok: r === undefined ? undefined : r.ret !== '0', addr: big(r?.addr), ...w }
    case 'iova_link':
      return { fn: 'iova_link', addr: big(e.addr), phys: big(e.phys), offset: big(e.offset), size: big(e.size), dir: dirName(Number(e.dir)), attrs: big(e.attrs), ret: num(r?.ret), ...w }
    case 'iova_sync':
      return { fn: 'iova_sync', addr: big(e.addr), offset: big(e.offset), size: big(e.size), ret: num(r?.ret), ...w }
    case 'iova_unlink':
      return { fn: 'iova_unlink', addr: big(e.addr), offset: big(e.offset), size: big(e.size), dir: dirName(Number(e.dir)), attrs: big(e.attrs), ...w }
    case 'iova_destroy':
      return { fn: 'iova_destroy', addr: big(e.addr), stateSize: big(e.state_size), mappedLen: big(e.mapped_len), dir: dirName(Number(e.dir)), attrs: big(e.attrs), ...w }
    case 'iova_free':
      return { fn: 'iova_free', addr: big(e.addr), stateSize: big(e.state_size), ...w }
    default:
      return unreachable(entry.event)
  }
}

/** A call in words, as a defect names it. */
export function describeIovaCall(c: IovaCall): string {
  return `${FN[c.fn]}() at state.addr ${formatU64(c.addr)}`
}
