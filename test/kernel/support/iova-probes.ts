/**
 * The two-step IOVA API as the kernel runs it. dma_iova_try_alloc/link/
 * sync/unlink/destroy/free (drivers/iommu/dma-iommu.c, 6.16 and later)
 * emit no dma:* trace events and dma-debug does not track them, so the run
 * watches them itself: a kprobe event on each exported function (x86-64:
 * $argN are the C arguments, $arg7 comes from the stack) and a kretprobe
 * for its result, recorded in the trace buffer that holds the dma:* events,
 * so the order of all calls is kept. On a kernel without the API (6.12)
 * the symbols do not exist, every definition is refused, and nothing is
 * recorded (a plain symbol that is not there is -ENOENT: trace_kprobe.c
 * register_trace_kprobe()): the harness's compat stubs there are static
 * functions of the module, never probed. Debian's 7.3.4 calls the exported
 * dma_iova_unlink() and dma_iova_free() out of line from dma_iova_destroy(),
 * so those calls are seen too, nested in it.
 */
import { DIR_NAME } from '../../../src/sim/consts.js'
import type { IovaCall, TraceCall } from './observe.js'

/** The kprobe group; its events are in events/dmaplan. */
export const PROBE_GROUP = 'dmaplan'

/** struct dma_iova_state { dma_addr_t addr; u64 __size; } (include/linux/dma-mapping.h): state->addr at +0, __size at +8. */
const ADDR = 'addr=+0($arg2):x64'
const SIZE = 'state_size=+8($arg2):x64'

/**
 * Definitions for /sys/kernel/tracing/kprobe_events
 * (Documentation/trace/kprobetrace.rst). A kretprobe reads the state
 * through the pointer saved at entry ($argN at return: store_trace_entry_data()
 * in kernel/trace/trace_probe.c): after dma_iova_try_alloc() that is the
 * allocated address, or 0 (it clears the state first).
 */
export const IOVA_PROBES: readonly string[] = [
  `p:${PROBE_GROUP}/iova_alloc dma_iova_try_alloc phys=$arg3:x64 size=$arg4:x64`,
  `r:${PROBE_GROUP}/iova_alloc_ret dma_iova_try_alloc ret=$retval:u8 ${ADDR} ${SIZE}`,
  `p:${PROBE_GROUP}/iova_link dma_iova_link ${ADDR} phys=$arg3:x64 offset=$arg4:x64 size=$arg5:x64 dir=$arg6:s32 attrs=$arg7:x64`,
  `r:${PROBE_GROUP}/iova_link_ret dma_iova_link ret=$retval:s32`,
  `p:${PROBE_GROUP}/iova_sync dma_iova_sync ${ADDR} offset=$arg3:x64 size=$arg4:x64`,
  `r:${PROBE_GROUP}/iova_sync_ret dma_iova_sync ret=$retval:s32`,
  `p:${PROBE_GROUP}/iova_unlink dma_iova_unlink ${ADDR} offset=$arg3:x64 size=$arg4:x64 dir=$arg5:s32 attrs=$arg6:x64`,
  `r:${PROBE_GROUP}/iova_unlink_ret dma_iova_unlink`,
  `p:${PROBE_GROUP}/iova_destroy dma_iova_destroy ${ADDR} ${SIZE} mapped_len=$arg3:x64 dir=$arg4:s32 attrs=$arg5:x64`,
  `r:${PROBE_GROUP}/iova_destroy_ret dma_iova_destroy`,
  `p:${PROBE_GROUP}/iova_free dma_iova_free ${ADDR} ${SIZE}`,
  `r:${PROBE_GROUP}/iova_free_ret dma_iova_free`,
]

/** The init script's lines that define and enable the probes; each definition the kernel refuses is skipped quietly. */
export function probeSetup(tracing: string): string[] {
  return [
    ...IOVA_PROBES.map((p) => `echo '${p}' 2>/dev/null >> ${tracing}/kprobe_events`),
    `[ -d ${tracing}/events/${PROBE_GROUP} ] && echo 1 > ${tracing}/events/${PROBE_GROUP}/enable`,
  ]
}

/** One probe hit: the event's name (without _ret for a return) and its fields. */
export interface ProbeHit {
  readonly event: string
  readonly ret: boolean
  readonly f: Readonly<Record<string, string>>
}

/** A line of the trace file written by one of IOVA_PROBES: `iova_link: (dma_iova_link+0x4/0x1b0) addr=0x... ret=0`. */
export function probeHit(line: string): ProbeHit | undefined {
  const m = line.match(/ (iova_(?:alloc|link|sync|unlink|destroy|free))(_ret)?: \((.*?)\)( .*)?$/)
  if (m?.[1] === undefined) return undefined
  const f: Record<string, string> = {}
  for (const kv of (m[4] ?? '').trim().split(' ')) {
    const i = kv.indexOf('=')
    if (i > 0) f[kv.slice(0, i)] = kv.slice(i + 1)
  }
  return { event: m[1], ret: m[2] !== undefined, f }
}

/** enum dma_data_direction as the dma:* events print it. */
export function dirName(n: number): string {
  return (DIR_NAME[n] ?? `DIR_${n}`).replace(/^DMA_/, '')
}

const FN: Readonly<Record<string, string>> = {
  iova_alloc: 'dma_iova_try_alloc',
  iova_link: 'dma_iova_link',
  iova_sync: 'dma_iova_sync',
  iova_unlink: 'dma_iova_unlink',
  iova_destroy: 'dma_iova_destroy',
  iova_free: 'dma_iova_free',
}

/** The kernel's C name of an IovaCall's function. */
export const iovaFunction = (fn: IovaCall['fn']): string => FN[fn] ?? fn

/**
 * Entry and return hits made into calls, in the order of their entries.
 * One CPU runs the module, so returns come back last-in first-out; a call
 * whose entry comes while another IOVA API call is open was made by the
 * kernel inside that one.
 */
interface OpenCall {
  readonly event: string
  readonly entry: ProbeHit
  /** Its place in the trace. */
  readonly at: number
  readonly within?: string
}

export class IovaCalls {
  readonly #open: OpenCall[] = []

  hit(h: ProbeHit, trace: TraceCall[]): void {
    if (!h.ret) {
      const within = this.#open.at(-1)?.event
      const open: OpenCall = { event: h.event, entry: h, at: trace.length, ...(within ? { within: FN[within] ?? within } : {}) }
      this.#open.push(open)
      trace.push(iovaCall(open.entry, undefined, open.within))
      return
    }
    const i = this.#open.findLastIndex((o) => o.event === h.event)
    if (i < 0) return
    const open = this.#open[i] as OpenCall
    this.#open.length = i
    trace[open.at] = iovaCall(open.entry, h, open.within)
  }
}

function iovaCall(entry: ProbeHit, exit: ProbeHit | undefined, within: string | undefined): IovaCall {
  const e = entry.f
  const r = exit?.f
  const big = (v: string | undefined): bigint => (v === undefined || v === '' ? 0n : BigInt(v))
  const num = (v: string | undefined): number | undefined => (v === undefined ? undefined : Number(v))
  const w = within ? { within } : {}
  switch (entry.event) {
    case 'iova_alloc':
      return { fn: 'iova_alloc', phys: big(e.phys), size: big(e.size), ok: r === undefined ? undefined : r.ret !== '0', addr: big(r?.addr), ...w }
    case 'iova_link':
      return {
        fn: 'iova_link',
        addr: big(e.addr),
        phys: big(e.phys),
        offset: big(e.offset),
        size: big(e.size),
        dir: dirName(Number(e.dir)),
        attrs: big(e.attrs),
        ret: num(r?.ret),
        ...w,
      }
    case 'iova_sync':
      return { fn: 'iova_sync', addr: big(e.addr), offset: big(e.offset), size: big(e.size), ret: num(r?.ret), ...w }
    case 'iova_unlink':
      return { fn: 'iova_unlink', addr: big(e.addr), offset: big(e.offset), size: big(e.size), dir: dirName(Number(e.dir)), attrs: big(e.attrs), ...w }
    case 'iova_destroy':
      return {
        fn: 'iova_destroy',
        addr: big(e.addr),
        stateSize: big(e.state_size),
        mappedLen: big(e.mapped_len),
        dir: dirName(Number(e.dir)),
        attrs: big(e.attrs),
        ...w,
      }
    default:
      return { fn: 'iova_free', addr: big(e.addr), stateSize: big(e.state_size), ...w }
  }
}
