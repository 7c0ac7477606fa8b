/**
 * What the kernel did, read from a harness run's serial output: the boot's
 * platform facts (`dmaplan-boot:`), the harness's report (the `dmaplan: `
 * lines of src/codegen/targets/harness/README.md inside `dmaplan-log:`),
 * the DMA layer's own messages and anything that went wrong in the kernel
 * or in QEMU, and the dma:* trace events and IOVA API probes
 * (`dmaplan-trace:`).
 */
import { parseTraceLine } from '../../../src/import/trace-line.js'
import type { PageEvent } from './hmm-pages.js'
import { pageEvent } from './hmm-pages.js'
import type { IovaCall } from '../../../src/import/iova-probes.js'
import { IovaCalls, probeHit } from './iova-probes.js'

export interface Segment {
  readonly dma: bigint
  readonly len: bigint
}

export interface MapReport {
  readonly tx: string
  /** What the transaction's map function returned (0 or -errno). */
  readonly ret: number
  readonly segs: readonly Segment[]
}

/**
 * A DMA API call as the kernel's tracepoints record it (include/trace/
 * events/dma.h), for the calls a driver makes to map and unmap. Syncs are
 * left out: the kernel traces them only when the device needs them.
 */
export type TraceCall =
  | { readonly fn: 'map_single'; readonly event: string; readonly dir: string; readonly dma: bigint; readonly size: bigint; readonly phys: bigint }
  | { readonly fn: 'unmap_single'; readonly event: string; readonly dir: string; readonly dma: bigint; readonly size: bigint }
  | { readonly fn: 'map_sg'; readonly dir: string; readonly nents: number; readonly dmas: readonly bigint[]; readonly sizes: readonly bigint[] }
  | { readonly fn: 'unmap_sg'; readonly dir: string; readonly nents: number }
  | { readonly fn: 'alloc'; readonly dma: bigint; readonly size: bigint }
  | { readonly fn: 'free'; readonly dma: bigint; readonly size: bigint }
  | IovaCall

/** A call of the two-step IOVA API, as the importer's kprobes see it. */
export type { IovaCall } from '../../../src/import/iova-probes.js'

export interface Provider {
  readonly pci: string
  readonly bar: bigint
  readonly len: bigint
  readonly distance: number
}

export interface BootFacts {
  /** The memblock reservation of swiotlb_init_remap(): the pool's base and size. */
  readonly swiotlb?: { readonly base: bigint; readonly bytes: bigint }
}

/** The device's IOMMU domain as the harness found it: dma (strict), dma-fq (lazy), identity, none. */
export type DomainType = 'dma' | 'dma-fq' | 'identity' | 'none' | 'other'

export interface Observation {
  readonly boot: BootFacts
  readonly domain?: DomainType
  /** Physical address of every buffer the harness reported, by region name. */
  readonly regions: ReadonlyMap<string, bigint>
  /** The P2P provider's BAR, where the set-up has one, and pci_p2pdma_distance_many() to edu (-1: no route) (p2p-provider.c). */
  readonly provider?: Provider
  /** Every provider the run reported, by PCI address (a set-up may have two: p2p-both-epyc-strict). */
  readonly providers: ReadonlyMap<string, Provider>
  readonly maps: readonly MapReport[]
  /** HMM mirrors' page faults and invalidations, each with the mirror's segments after it. */
  readonly pages: readonly PageEvent[]
  readonly unmaps: readonly string[]
  /** Device and CPU accesses, sweeps and final checks, with the bytes that did not check out. */
  readonly accesses: readonly { readonly line: string; readonly bad: number }[]
  readonly status?: { readonly ok: boolean; readonly ret: number; readonly errors: number; readonly transfers: number }
  readonly trace: readonly TraceCall[]
  /** The DMA layer's warnings about mappings, without the device prefix (as the simulator's dmesg has them). */
  readonly messages: readonly string[]
  /** What must never happen: DMAR faults, oopses, edu clamping addresses, QEMU errors, a stuck engine. */
  readonly problems: readonly string[]
  /** The module ran to its end (the init script's marker). */
  readonly finished: boolean
  /** What a bug scenario's module reported of its calls' results, by the call's index (bug-module.ts). */
  readonly rets: ReadonlyMap<number, number>
  /** The call the driver's fault injection made fail (fail_at_call, templates/module/inject.c). */
  readonly injected?: { readonly call: number; readonly fn: string }
  /**
   * The kernel's failslab, where it was armed: whether it made its failure,
   * and the functions on the stack it dumped (after "FAULT_INJECTION:
   * forcing a failure."; none for an allocation with __GFP_NOWARN).
   */
  readonly failslab?: { readonly fired: boolean; readonly stack?: readonly string[] }
  /**
   * On a kernel with CONFIG_DMA_API_DEBUG: its reports, without the
   * `DMA-API: ` prefix, its error count after the module's removal, its own
   * notes while the module ran (the entry pool growing: no device prefix),
   * and its entry pool before the module was loaded.
   */
  readonly dmaDebug?: {
    readonly reports: readonly string[]
    readonly errorCount: number
    readonly disabled: boolean
    readonly notes: readonly string[]
    readonly pool?: { readonly free: number; readonly total: number }
  }
}

/** The DMA layer's messages the simulator predicts (kernel/dma/direct.h, swiotlb.c, drivers/iommu/dma-iommu.c). */
export const DMA_MESSAGES = [/DMA bounce buffers are inactive/, /DMA addr 0x[0-9a-f]+\+\d+ overflow/, /swiotlb addr 0x[0-9a-f]+\+\d+ overflow/, /swiotlb buffer is full/, /Buffer overflow detected/, /Can not allocate SWIOTLB buffer/]

const PROBLEMS = [/DMAR: \[DMA (Read|Write)/, /DMAR: DRHD: handling fault/, /BUG:/, /Oops/, /Kernel panic/, /EDU: /, /hardware error/i, /qemu-system-x86_64: /, /dmaplan: .*(refused|did not finish)/, /general protection/]

const hex = (s: string): bigint => BigInt(s.startsWith('0x') ? s : `0x${s}`)

/** A kernel message without its "<driver> <pci address>: " prefix and final full stop. */
export function stripDevice(message: string): string {
  return message.replace(/^\S+ [0-9a-f]{4}:[0-9a-f]{2}:[0-9a-f]{2}\.[0-9a-f]: /, '').replace(/\.$/, '')
}

export function observe(lines: readonly string[]): Observation {
  const boot: { swiotlb?: BootFacts['swiotlb'] } = {}
  let domain: DomainType | undefined
  const regions = new Map<string, bigint>()
  let provider: Observation['provider']
  const providers = new Map<string, Provider>()
  let injected: Observation['injected']
  let failStack: string[] | undefined
  let failslab: Observation['failslab']
  let inFaultDump = false
  const rets = new Map<number, number>()
  const maps: MapReport[] = []
  const pages: PageEvent[] = []
  // The report that the next seg lines belong to: a map, or an HMM fault or invalidation.
  let report: { readonly tx: string; readonly segs: readonly Segment[] } | undefined
  const unmaps: string[] = []
  const accesses: { line: string; bad: number }[] = []
  let status: Observation['status']
  const trace: TraceCall[] = []
  const iova = new IovaCalls()
  const messages: string[] = []
  const problems: string[] = []
  let finished = false
  let warned = false
  const reports: string[] = []
  let errorCount: number | undefined
  let disabled = false
  const notes: string[] = []
  let pool: { free: number; total: number } | undefined

  for (const [i, raw] of lines.entries()) {
    const lineNo = i + 1
    // The firmware's last words may share a line with the first of the init script.
    const at = raw.search(/dmaplan-(boot|trace|log|module): /)
    const line = (at > 0 ? raw.slice(at) : raw).trimEnd()
    if (line.startsWith('dmaplan-boot: ')) {
      const tlb = line.match(/swiotlb .*memblock_reserve: \[0x([0-9a-f]+)-0x([0-9a-f]+)\]/)
      if (tlb?.[1] && tlb[2]) boot.swiotlb = { base: hex(tlb[1]), bytes: hex(tlb[2]) + 1n - hex(tlb[1]) }
      continue
    }
    if (line.startsWith('dmaplan-trace: ')) {
      const hit = probeHit(line)
      if (hit) iova.hit(hit, trace)
      else {
        const call = traceCall(line, lineNo)
        if (call) trace.push(call)
      }
      continue
    }
    if (line.startsWith('dmaplan-module: end ')) finished = true
    const count = line.match(/^dmaplan-dma-debug: error_count=(\d+) disabled=([YN])$/)
    if (count?.[1] !== undefined) {
      errorCount = Number(count[1])
      disabled = count[2] === 'Y'
    }
    const times = line.match(/^dmaplan-failslab: times=(-?\d+)$/)
    if (times?.[1] !== undefined) failslab = { fired: Number(times[1]) === 0 }
    const entries = line.match(/^dmaplan-dma-debug: pool free=(\d+) total=(\d+)$/)
    if (entries?.[1] !== undefined) pool = { free: Number(entries[1]), total: Number(entries[2]) }
    if (PROBLEMS.some((p) => p.test(line))) problems.push(line.replace(/^dmaplan-log: /, ''))
    if (!line.startsWith('dmaplan-log: ')) continue
    const text = line.replace(/^dmaplan-log: (\[\s*[\d.]+\] )?/, '')
    // A WARN() is fine when it carries one of the DMA layer's messages (printed just before it).
    const afterMessage = warned
    warned = false
    if (/^WARNING: /.test(text)) {
      if (!afterMessage) problems.push(`${text} (a warning without a DMA message before it)`)
      continue
    }
    // dma-debug's report of a driver's error (kernel/dma/debug.c, err_printk()), its WARN() next.
    const checker = text.match(/^DMA-API: (\S+ [0-9a-f]{4}:[0-9a-f]{2}:[0-9a-f]{2}\.[0-9a-f]: .*)$/)
    if (checker?.[1] !== undefined) {
      reports.push(checker[1])
      warned = true
      continue
    }
    // fault-inject.c's fail_dump(): the message, then dump_stack() up to the end of the task's frames.
    if (text === 'FAULT_INJECTION: forcing a failure.') {
      failStack = []
      inFaultDump = true
      continue
    }
    if (inFaultDump) {
      if (text.trim() === '</TASK>') inFaultDump = false
      const frame = text.match(/^\s*(?:\? )?(\w+)\+0x[0-9a-f]+\/0x[0-9a-f]+/)
      if (frame?.[1] !== undefined) failStack?.push(frame[1])
      continue
    }
    // dma-debug's own notes (pr_info() without a device: the entry pool growing, __dma_entry_alloc_check_leak()).
    const note = text.match(/^DMA-API: (dma_debug_entry pool grown to .*)$/)
    if (note?.[1] !== undefined) {
      notes.push(note[1])
      continue
    }
    // The second line of the report of what is left at unbind (one printk with two lines).
    if (afterMessage && reports.length > 0 && text.startsWith('One of leaked entries details: ')) {
      reports[reports.length - 1] += `\n${text}`
      warned = true
      continue
    }
    if (DMA_MESSAGES.some((m) => m.test(text))) {
      messages.push(stripDevice(text))
      warned = true
      continue
    }
    const m = text.match(/dmaplan: (.*)$/)
    if (m?.[1] === undefined) continue
    const [word, ...rest] = m[1].split(' ')
    const field = (k: string) => rest.find((r) => r.startsWith(`${k}=`))?.slice(k.length + 1) ?? ''
    switch (word) {
      case 'begin':
        domain = field('domain') as DomainType
        break
      case 'call':
        rets.set(Number(rest[0]), Number(field('ret')))
        break
      case 'inject':
        injected = { call: Number(field('call')), fn: field('fn') }
        break
      case 'provider':
        providers.set(rest[0] ?? '', { pci: rest[0] ?? '', bar: hex(field('bar')), len: hex(field('len')), distance: Number(field('distance')) })
        provider ??= providers.get(rest[0] ?? '')
        break
      case 'region':
        regions.set(rest[0] ?? '', hex(field('phys')))
        break
      case 'map':
        maps.push({ tx: rest[0] ?? '', ret: Number(field('ret')), segs: [] })
        report = maps.at(-1)
        break
      case 'fault':
      case 'invalidate':
        report = pageEvent(word, rest)
        if (report !== undefined) pages.push(report as PageEvent)
        break
      case 'seg': {
        const last = report
        if (last === undefined || last.tx !== rest[0]) problems.push(`segment line out of place: ${m[1]}`)
        else (last.segs as Segment[]).push({ dma: hex(field('dma')), len: hex(field('len')) })
        break
      }
      case 'unmap':
        unmaps.push(rest[0] ?? '')
        break
      case 'device':
      case 'cpu':
      case 'sweep':
      case 'final':
        accesses.push({ line: m[1], bad: Number(field('bad')) })
        break
      case 'status':
        status = { ok: rest[0] === 'ok', ret: Number(field('ret')), errors: Number(field('errors')), transfers: Number(field('transfers')) }
        break
    }
  }
  return { boot, ...(domain ? { domain } : {}), regions, ...(provider ? { provider } : {}), providers, ...(injected ? { injected } : {}), ...(failslab ? { failslab: { ...failslab, ...(failStack ? { stack: failStack } : {}) } } : {}), rets, maps, pages, unmaps, accesses, ...(status ? { status } : {}), trace, messages, problems, finished, ...(errorCount === undefined ? {} : { dmaDebug: { reports, errorCount, disabled, notes, ...(pool ? { pool } : {}) } }) }
}

/** A DMA API call of the trace, read by the importer's parser (src/import/trace-line.ts); undefined for what the comparison leaves out. */
function traceCall(line: string, n: number): TraceCall | undefined {
  const t = parseTraceLine(line.replace(/^dmaplan-trace: /, ''), n)
  if (t.kind !== 'dma') return undefined
  const e = t.event
  switch (e.class) {
    case 'map':
      return { fn: 'map_single', event: e.event, dir: e.dir, dma: e.dma, size: e.size, phys: e.phys }
    case 'unmap':
      return { fn: 'unmap_single', event: e.event, dir: e.dir, dma: e.dma, size: e.size }
    case 'map-sg':
      return { fn: 'map_sg', dir: e.dir, nents: e.nents, dmas: e.dmaAddrs, sizes: e.sizes }
    case 'unmap-sg':
      return { fn: 'unmap_sg', dir: e.dir, nents: e.physAddrs.length }
    case 'alloc':
      return e.event === 'dma_alloc' ? { fn: 'alloc', dma: e.dma, size: e.size } : undefined
    case 'free':
      return e.event === 'dma_free' ? { fn: 'free', dma: e.dma, size: e.size } : undefined
    default:
      return undefined
  }
}
