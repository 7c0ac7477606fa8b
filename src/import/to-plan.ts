/**
 * A trace's `dma` events as a plan: each mapping the trace shows becomes a
 * transaction of the strategy that made it (a single mapping `page`, a
 * scatterlist `sg`, a coherent allocation `coherent`), its memory a region
 * at the physical address the event gives, its DMA segments kept as what
 * the kernel observed (MapStep.observed); syncs become sync steps, unmaps
 * and frees unmap steps. A mapping still alive at the end of the trace
 * stays mapped (the simulation reports it). Lines are pushed one at a time
 * and each step goes to a sink as soon as it is known (plan-sink.ts), so a
 * trace of any length streams through: the importer keeps the live
 * mappings, the regions' names and counts, never the steps.
 *
 * What the trace cannot show is said, never guessed silently: a
 * scatterlist's entries have physical addresses but only the DMA segments
 * have lengths (the entries are reconstructed, and the importer says how);
 * a map that failed, an MMIO (resource) mapping, a list of more than 128
 * entries and the non-coherent page allocators have no place in a plan and
 * are counted as left out; an unmap or sync of nothing the trace mapped is
 * a defect of the driver's traffic, with its line.
 */
import type { KernelVersion } from '../plan/kernel.js'
import { kernelHas } from '../plan/kernel-changes.js'
import { KERNEL_VERSIONS } from '../plan/kernel.js'
import type { Plan, Step } from '../plan/ir.js'
import { PLAN_FORMAT } from '../plan/ir.js'
import { formatU64 as hex } from '../plan/u64.js'
import type { TraceDir } from './events.js'
import { MemorySink } from './memory-sink.js'
import type { DeviceSink, PlanHead, PlanSink } from './plan-sink.js'
import { PlatformEvidence } from './infer-platform.js'
import { isLazy, NAMED_PLATFORMS } from './platforms.js'
import type { PlatformJson, PlatformName } from './platforms.js'
import type { DmaTraceEvent } from './trace-line.js'
import type { IovaCall } from './iova-probes.js'
import { IovaCallPairing, parseIovaProbe, parseTickProbe } from './iova-probes.js'
import type { ProbeHit } from './iova-probes.js'
import { DMA_MAPPING_ERROR, JIFFY_MS, PAGE_SIZE_N as PAGE } from '../plan/kernel-consts.js'
import { unreachable } from '../plan/unreachable.js'
import type { Reserved } from './iova-states.js'
import { IovaStates } from './iova-states.js'
import { parseTraceLine, TraceSyntaxError } from './trace-line.js'


export interface ImportOptions {
  /** Only this device's events (dev_name(), such as 0000:00:04.0). */
  readonly device?: string
  /** The set-up the trace was recorded on. */
  readonly platform?: PlatformName | PlatformJson
  /** The release the trace came from; inferred from the event names when absent. */
  readonly kernel?: KernelVersion
  /** The plan's name (a C identifier). */
  readonly name?: string
  /** How lines are named in steps' `at` ("trace.txt"). */
  readonly file?: string
  /** The device's DMA mask in bits; inferred where the platform translates, else 64. */
  readonly dmaMask?: number
}

/** What an import read and what it did with it. */
export interface ImportSummary {
  readonly lines: number
  /** Events of any system. */
  readonly events: number
  readonly dmaEvents: number
  /** `dma_*` events this release's catalogue does not know, by name. */
  readonly unknown: ReadonlyMap<string, number>
  /** The devices of the trace's dma events, with their event counts. */
  readonly devices: ReadonlyMap<string, number>
  /** Transactions of the plan. */
  readonly mappings: number
  /** What has no place in a plan, by reason. */
  readonly leftOut: ReadonlyMap<string, number>
  /** Defects of the driver's traffic: "line N: sentence". */
  readonly defects: readonly string[]
  /** What the importer assumed, each said once. */
  readonly assumptions: readonly string[]
}

export interface ImportResult {
  readonly plan: Plan
  readonly summary: ImportSummary
}

/** What a whole trace comes to: whose plan, the plan's head, and the summary. */
export interface ImportConclusion {
  /** dev_name() of the plan's device: the one asked for, or the busiest. */
  readonly device: string
  readonly head: PlanHead
  readonly summary: ImportSummary
}

const DIR: Record<TraceDir, 'to-device' | 'from-device' | 'bidirectional' | undefined> = {
  TO_DEVICE: 'to-device',
  FROM_DEVICE: 'from-device',
  BIDIRECTIONAL: 'bidirectional',
  NONE: undefined,
}

/** The trace's attribute names the plan's DmaAttr has. */
const ATTRS: Record<string, DmaAttrName> = {
  WEAK_ORDERING: 'DMA_ATTR_WEAK_ORDERING',
  SKIP_CPU_SYNC: 'DMA_ATTR_SKIP_CPU_SYNC',
  NO_WARN: 'DMA_ATTR_NO_WARN',
  PRIVILEGED: 'DMA_ATTR_PRIVILEGED',
  MMIO: 'DMA_ATTR_MMIO',
  CACHELINES_OVERLAP: 'DMA_ATTR_DEBUGGING_IGNORE_CACHELINES',
  REQUIRE_COHERENT: 'DMA_ATTR_REQUIRE_COHERENT',
}

type DmaAttrName = Extract<Step, { op: 'map' }>['attrs'][number]

/** 64-bit values as the plan's JSON writes them, in quotes. */
const hexJson = (v: bigint): string => `"0x${v.toString(16)}"`

function hexList(values: readonly bigint[]): string {
  let out = ''
  for (let i = 0; i < values.length; i++) out += i === 0 ? hexJson(values[i] as bigint) : `,${hexJson(values[i] as bigint)}`
  return out
}

interface Live {
  readonly tx: string
  readonly dma: readonly bigint[]
  readonly lengths: readonly bigint[]
  readonly size: bigint
  readonly dir: TraceDir
}

/**
 * The dma-debug checks (docs/dma-debug.md) a trace's own traffic can fail:
 * an unmap or free of nothing mapped, of another size or direction, a sync
 * of nothing mapped or in another direction.
 */
export type TraceCheck = 'D9' | 'D10' | 'D14' | 'D16' | 'D18'

/** Defects carried into a plan, at most (the import's summary counts them all). */
const MAX_DEFECTS = 1000

/** How long after the interrupt level changed a map's event may come and an interrupt still have come inside one of the calls just before it (ms). */
const INTERRUPT_WINDOW_MS = 0.5

/** The plan's names of the DMA_ATTR_* bits a plan can carry. */
const PLAN_ATTRS: ReadonlySet<string> = new Set(Object.values(ATTRS))

/** One device's side of the trace, as plan steps. */
class DeviceTraffic {
  /** Steps and regions given to the sink, and of them maps. */
  steps = 0
  regions = 0
  maps = 0
  /** Region names by physical address, then length. */
  readonly #regionOf = new Map<bigint, Map<bigint, string>>()
  /** Live single and coherent mappings by DMA address; scatterlists by their entries' physical addresses, and by their first DMA address for syncs. */
  readonly #single = new Map<bigint, Live>()
  readonly #coherent = new Map<bigint, Live>()
  readonly #sg = new Map<string, Live>()
  readonly #sgByDma = new Map<bigint, Live>()
  #tx = 0
  /** The event being read came right after an interrupt's, on its CPU. */
  #interrupted = false
  readonly #iova: IovaStates
  /**
   * Steps held back while a map's place is reserved (an IOVA state still
   * being linked: iova-states.ts), in order: a step's JSON text, null for a
   * place not filled yet, '' for one given up. #heldBase counts what left.
   */
  readonly #held: (string | null)[] = []
  #heldBase = 0
  /** The trace's time so far, and what of it no wait step has said yet (ms). */
  #last: number | undefined
  #unsaid = 0
  /** The interrupt level of the device's last event on each CPU, and when the level last changed there (ms). */
  readonly #irqOf = new Map<number, { readonly irq: number; readonly nested: number | undefined }>()
  /** What the DMA addresses say of the set-up, for a trace imported without --platform. */
  readonly evidence = new PlatformEvidence()
  /** The time of the device's first event (ms): the plan's time 0. */
  first: number | undefined
  maxPhys = 0n
  /** The highest DMA address a segment of the trace reaches. */
  maxDma = 0n

  constructor(
    readonly sink: DeviceSink,
    /** A line of the trace as a step's `at`, JSON text in quotes. */
    readonly at: (line: number) => string,
    readonly leftOut: (why: string) => void,
    readonly onDefect: (line: number, text: string) => void,
    readonly assume: (text: string) => void,
  ) {
    this.#iova = new IovaStates({
      region: (phys, bytes) => this.#region(phys, bytes),
      reserve: () => {
        this.#held.push(null)
        return { index: this.#heldBase + this.#held.length - 1 }
      },
      drop: (place) => this.#fill(place, ''),
      map: (place, line, dir, attrs, regions, dma, bytes, interrupted) => {
        const [tx, json] = this.#mapJson(line, 'iova', dir, attrs, regions, [dma], [bytes], false, interrupted)
        this.#fill(place, json)
        return tx
      },
      unmap: (tx, line) => this.#step(`{"op":"unmap","tx":"${tx}","at":${this.at(line)}}`),
      unlink: (tx, region, line) => this.#step(`{"op":"unlink","tx":"${tx}","region":"${region}","at":${this.at(line)}}`),
      leftOut,
      defect: (line, text, check) => this.defect(line, text, check),
      assume,
    })
  }

  /** A call of the two-step IOVA API the driver made (the importer's kprobes: iova-probes.ts). */
  iova(c: IovaCall, line: number, hit: ProbeHit, entry?: object): void {
    const ms = this.#pass(hit.time)
    this.#nesting(hit.cpu, hit.irq, ms)
    if (c.fn === 'iova_alloc') this.evidence.allocated()
    this.#iova.push(c, line, entry)
  }

  /** A dma_iova_try_alloc() of the driver began: its IOVA is taken here, whatever comes before it returns. */
  iovaBegin(entry: ProbeHit): void {
    const ms = this.#pass(entry.time)
    this.#iova.begin(entry, this.#nesting(entry.cpu, entry.irq, ms))
  }

  /**
   * Both a map's and an unmap's event come after the call's work
   * (kernel/dma/mapping.c): an interrupt inside a call puts its events
   * first. Where the interrupt level changed on this CPU within
   * INTERRUPT_WINDOW_MS (a call lasts microseconds), the order of the IOVA
   * allocator's work in the calls just before this one is in doubt.
   */
  #nesting(cpu: number, irq: number, ms: number): boolean {
    const before = this.#irqOf.get(cpu)
    const nested = before !== undefined && before.irq !== irq ? ms : before?.nested
    this.#irqOf.set(cpu, { irq, nested })
    return nested !== undefined && ms - nested < INTERRUPT_WINDOW_MS
  }

  /** The defects of this device's traffic, for the plan (Plan.observed.defects): the first MAX_DEFECTS. */
  readonly defects: { readonly check: TraceCheck; readonly at: string; readonly message: string }[] = []

  /** A defect of the driver's traffic, with the dma-debug check it is (docs/dma-debug.md). */
  defect(line: number, text: string, check: TraceCheck): void {
    this.onDefect(line, text)
    if (this.defects.length < MAX_DEFECTS) this.defects.push({ check, at: JSON.parse(this.at(line)) as string, message: text })
  }

  /** The end of the trace: IOVA states still open are settled, and every step held back goes to the sink. */
  finish(): void {
    this.#iova.finish()
    for (let i = 0; i < this.#held.length; i++) if (this.#held[i] === null) this.#held[i] = ''
    this.#flush()
  }

  /**
   * Time passes in the plan as in the trace: the flush queue's timer and
   * the IOVA caches' depot work run on it (the model's clock has 1 ms
   * steps, so time is said once a millisecond of it has gathered).
   */
  #pass(time: string): number {
    const t = this.#gather(time)
    if (this.#unsaid >= 1) this.#wait('')
    return t
  }

  /** The trace's time up to `time` (s, as printed), in ms, added to what no wait step has said yet. */
  #gather(time: string): number {
    const t = Number(time) * 1000
    this.first ??= t
    if (this.#last !== undefined && t > this.#last) this.#unsaid += t - this.#last
    this.#last = this.#last === undefined ? t : Math.max(t, this.#last)
    return t
  }

  /** A wait step of the time gathered, with `more` of its JSON fields. */
  #wait(more: string): void {
    this.#step(`{"op":"wait","ms":${Math.round(this.#unsaid * 1000) / 1000}${more}}`)
    this.#unsaid = 0
  }

  /** The lazy flush queue's timer ran (the fq_flush probe), at `time` s: a wait to then that says so. */
  fqTimer(time: string): void {
    this.evidence.fqTimer()
    if (this.first === undefined) return
    this.#gather(time)
    this.#wait(',"fqTimer":true')
  }

  #fill(place: Reserved, json: string): void {
    this.#held[place.index - this.#heldBase] = json
    this.#flush()
  }

  /** The held steps up to the first place still open, to the sink. */
  #flush(): void {
    let n = 0
    while (n < this.#held.length && this.#held[n] !== null) {
      const json = this.#held[n] as string
      if (json !== '') this.#emit(json)
      n++
    }
    this.#held.splice(0, n)
    this.#heldBase += n
  }

  #region(phys: bigint | undefined, bytes: bigint): string {
    const byLength = phys === undefined ? undefined : this.#regionOf.get(phys)
    const known = byLength?.get(bytes)
    if (known !== undefined) return known
    const name = `r${this.regions++}`
    const fields = `{"name":"${name}","memory":"ram","encrypted":false,"offset":${hexJson((phys ?? 0n) % PAGE)},"bytes":${hexJson(bytes)}`
    this.sink.region(phys === undefined ? `${fields}}` : `${fields},"phys":${hexJson(phys)}}`)
    if (phys !== undefined) {
      if (byLength === undefined) this.#regionOf.set(phys, new Map([[bytes, name]]))
      else byLength.set(bytes, name)
      if (phys + bytes > this.maxPhys) this.maxPhys = phys + bytes
    }
    return name
  }

  #map(e: DmaTraceEvent, strategy: 'page' | 'sg' | 'coherent', regions: string[], dma: readonly bigint[], lengths: readonly bigint[], attrs: readonly string[], entriesAssumed = false): string {
    const planAttrs: string[] = []
    for (const a of attrs) {
      const name = ATTRS[a]
      if (name !== undefined) planAttrs.push(name)
    }
    const [tx, json] = this.#mapJson(e.line, strategy, e.dir, planAttrs, regions, dma, lengths, entriesAssumed, this.#interrupted && strategy !== 'coherent')
    this.#step(json)
    return tx
  }

  /** A map step's transaction and JSON text; attrs are the plan's DMA_ATTR_* names. */
  #mapJson(
    line: number,
    strategy: string,
    traceDir: TraceDir,
    attrs: readonly string[],
    regions: readonly string[],
    dma: readonly bigint[],
    lengths: readonly bigint[],
    entriesAssumed: boolean,
    interrupted: boolean,
  ): [string, string] {
    const tx = `t${this.#tx++}`
    for (let i = 0; i < dma.length; i++) {
      const end = (dma[i] ?? 0n) + (lengths[i] ?? 1n) - 1n
      if (end > this.maxDma) this.maxDma = end
    }
    let planAttrs = ''
    for (const name of attrs) if (PLAN_ATTRS.has(name)) planAttrs += planAttrs === '' ? `"${name}"` : `,"${name}"`
    let regionNames = ''
    for (const r of regions) regionNames += regionNames === '' ? `"${r}"` : `,"${r}"`
    this.maps++
    // Names here are identifiers and hex strings: nothing to escape but `at` (at() quotes it).
    const json =
      `{"op":"map","tx":"${tx}","strategy":"${strategy}","dir":"${DIR[traceDir] ?? 'bidirectional'}","attrs":[${planAttrs}],"regions":[${regionNames}],"populate":true,` +
      `"observed":{"dma":[${hexList(dma)}],"lengths":[${hexList(lengths)}],"entriesAssumed":${entriesAssumed}${interrupted ? ',"interrupted":true' : ''}},"at":${this.at(line)}}`
    return [tx, json]
  }

  /** A step, after any held back before it. */
  #step(json: string): void {
    if (this.#held.length > 0) this.#held.push(json)
    else this.#emit(json)
  }

  #emit(json: string): void {
    this.steps++
    this.sink.step(json)
  }

  #unmap(e: DmaTraceEvent, live: Live): void {
    this.#step(`{"op":"unmap","tx":"${live.tx}","at":${this.at(e.line)}}`)
  }

  push(e: DmaTraceEvent): void {
    const ms = this.#pass(e.time)
    // A map whose event follows, on its CPU, one of a deeper interrupt: that interrupt came while the map ran (ObservedMap.interrupted).
    this.#interrupted = this.#nesting(e.cpu, e.irq, ms)
    switch (e.class) {
      case 'map': {
        if (e.dma === DMA_MAPPING_ERROR) return this.leftOut('maps that failed (DMA_MAPPING_ERROR)')
        if (e.event === 'dma_map_resource' || e.attrs.includes('MMIO')) return this.leftOut('MMIO mappings (dma_map_resource)')
        this.evidence.map(e.dma, e.phys, e.size, ms, e.line, e.irq, this.#interrupted)
        const tx = this.#map(e, 'page', [this.#region(e.phys, e.size)], [e.dma], [e.size], e.attrs)
        this.#single.set(e.dma, { tx, dma: [e.dma], lengths: [e.size], size: e.size, dir: e.dir })
        return
      }
      case 'unmap': {
        if (e.event === 'dma_unmap_resource' || e.attrs.includes('MMIO')) return this.leftOut('MMIO mappings (dma_map_resource)')
        const live = this.#single.get(e.dma)
        if (live === undefined) return this.defect(e.line, `${e.event} of ${hex(e.dma)} (${e.size} bytes), which the trace never mapped or already unmapped`, 'D9')
        if (live.size !== e.size) this.defect(e.line, `${e.event} of ${hex(e.dma)} with ${e.size} bytes, mapped with ${live.size}`, 'D10')
        if (live.dir !== e.dir) this.defect(e.line, `${e.event} of ${hex(e.dma)} with ${e.dir}, mapped with ${live.dir}`, 'D14')
        this.#single.delete(e.dma)
        this.evidence.unmap(e.dma, e.size, ms, e.line, e.irq)
        return this.#unmap(e, live)
      }
      case 'map-sg': {
        this.evidence.allocated()
        if (e.truncated) return this.leftOut('scatterlists of more than 128 entries (the event lists 128)')
        const lengths = sgEntryLengths(e.physAddrs, e.sizes)
        const assumed = e.physAddrs.length !== e.sizes.length
        if (assumed)
          this.assume(
            'a scatterlist whose entries the IOMMU merged into fewer DMA segments has its entries reconstructed (each runs to the end of its page, the last takes the rest): only its first DMA address and total length are compared',
          )
        const regions = e.physAddrs.map((p, i) => this.#region(p, lengths[i] ?? 0n))
        const tx = this.#map(e, 'sg', regions, e.dmaAddrs, e.sizes, e.attrs, assumed)
        const live = { tx, dma: e.dmaAddrs, lengths: e.sizes, size: 0n, dir: e.dir }
        this.#sg.set(e.physAddrs.join(','), live)
        const first = e.dmaAddrs[0]
        if (first !== undefined) this.#sgByDma.set(first, live)
        return
      }
      case 'map-sg-err':
        return this.leftOut('maps that failed (DMA_MAPPING_ERROR)')
      case 'unmap-sg': {
        const key = e.physAddrs.join(',')
        const live = this.#sg.get(key)
        if (live === undefined) return this.defect(e.line, `dma_unmap_sg of ${e.physAddrs.length} entries at ${e.physAddrs.map(hex).join(', ')}, which the trace never mapped as one list`, 'D9')
        if (live.dir !== e.dir) this.defect(e.line, `dma_unmap_sg with ${e.dir}, mapped with ${live.dir}`, 'D14')
        this.#sg.delete(key)
        const first = live.dma[0]
        if (first !== undefined && this.#sgByDma.get(first) === live) this.#sgByDma.delete(first)
        return this.#unmap(e, live)
      }
      case 'sync-single':
      case 'sync-sg': {
        const addr = e.class === 'sync-single' ? e.dma : e.dmaAddrs[0]
        const live = addr === undefined ? undefined : this.#containing(addr)
        if (live === undefined) return this.defect(e.line, `${e.event} of ${addr === undefined ? 'nothing' : hex(addr)}, which no mapping of the trace holds`, 'D16')
        if (live.dir !== e.dir) this.defect(e.line, `${e.event} of ${hex(addr ?? 0n)} with ${e.dir}, mapped with ${live.dir}`, 'D18')
        this.#step(`{"op":"${e.event.endsWith('_for_cpu') ? 'sync-for-cpu' : 'sync-for-device'}","tx":"${live.tx}","at":${this.at(e.line)}}`)
        return
      }
      case 'alloc': {
        this.evidence.allocated()
        if (e.event !== 'dma_alloc') return this.leftOut('non-coherent allocations (dma_alloc_pages)')
        if (e.dma === 0n || e.dma === DMA_MAPPING_ERROR) return this.leftOut('allocations that failed')
        this.assume('a coherent allocation has no physical address in the trace: the model places it')
        const tx = this.#map(e, 'coherent', [this.#region(undefined, e.size)], [e.dma], [e.size], e.attrs)
        this.#coherent.set(e.dma, { tx, dma: [e.dma], lengths: [e.size], size: e.size, dir: e.dir })
        return
      }
      case 'free': {
        if (e.event !== 'dma_free') return this.leftOut('non-coherent allocations (dma_alloc_pages)')
        // dma_free_attrs() traces before it returns early on a NULL buffer (kernel/dma/mapping.c): a call that frees nothing.
        if (e.dma === 0n && e.size === 0n && !this.#coherent.has(0n)) return this.leftOut('frees of NULL (dma_free_coherent() of nothing, traced and then ignored)')
        const live = this.#coherent.get(e.dma)
        if (live === undefined) return this.defect(e.line, `dma_free of ${hex(e.dma)} (${e.size} bytes), which the trace never allocated or already freed`, 'D9')
        if (live.size !== e.size) this.defect(e.line, `dma_free of ${hex(e.dma)} with ${e.size} bytes, allocated with ${live.size}`, 'D10')
        this.#coherent.delete(e.dma)
        return this.#unmap(e, live)
      }
      case 'alloc-sgt':
      case 'free-sgt':
        return this.leftOut('non-contiguous allocations (dma_alloc_noncontiguous)')
      default:
        return unreachable(e)
    }
  }

  /**
   * The live mapping whose DMA segments hold an address: the one that starts
   * there (a sync names the address the map gave, almost always), else the
   * first whose segments reach it (a sync of part of a mapping), in a scan
   * of every live mapping.
   */
  #containing(addr: bigint): Live | undefined {
    const exact = this.#single.get(addr) ?? this.#coherent.get(addr) ?? this.#sgByDma.get(addr)
    if (exact !== undefined) return exact
    for (const m of [this.#single, this.#coherent, this.#sg])
      for (const live of m.values()) if (live.dma.some((d, i) => addr >= d && addr < d + (live.lengths[i] ?? 0n))) return live
    return undefined
  }
}

/**
 * The entries' lengths of a scatterlist from its entries' physical
 * addresses and its DMA segments' lengths: one segment per entry gives them
 * exactly; otherwise each entry runs to the end of its page and the last
 * takes what is left of the segments' total.
 */
export function sgEntryLengths(phys: readonly bigint[], segments: readonly bigint[]): bigint[] {
  if (phys.length === segments.length) return [...segments]
  const total = segments.reduce((a, b) => a + b, 0n)
  const heads = phys.slice(0, -1).map((p) => PAGE - (p % PAGE))
  const rest = total - heads.reduce((a, b) => a + b, 0n)
  return [...heads, rest > 0n ? rest : PAGE]
}

/** The newest release whose single-mapping events have these names. */
function inferKernel(names: ReadonlySet<string>): KernelVersion | undefined {
  const phys = names.has('dma_map_phys') || names.has('dma_unmap_phys')
  const page = ['dma_map_page', 'dma_unmap_page', 'dma_map_resource', 'dma_unmap_resource'].some((n) => names.has(n))
  if (phys === page) return undefined
  const fits = KERNEL_VERSIONS.filter((v) => kernelHas(v, 'trace-dma-map-phys') === phys)
  return fits[fits.length - 1]
}

/**
 * The DMA mask behind a translated trace: IOVAs are allocated top down from
 * the mask (from 32 bits first for a wider one, iommu_dma_alloc_iova()), so
 * the highest address the trace shows has the mask's width; 32 stands for
 * every wider mask until 4 GiB of IOVA space runs out. Without translation
 * the DMA addresses are physical and say nothing of the mask.
 */
function inferMask(mode: string, maxDma: bigint): number {
  if (mode !== 'translated' || maxDma === 0n) return 64
  return Math.max(maxDma.toString(2).length, 24)
}

/**
 * Where the kernel's ticks fall after `first` (ms, modulo a jiffy), from
 * the times the flush queue's timer ran: in the timer softirq, a little
 * after its tick, so the earliest of them in the jiffy is the nearest.
 */
function tickPhase(ticks: readonly number[], first: number | undefined): number | undefined {
  const t0 = ticks[0]
  if (t0 === undefined || first === undefined) return undefined
  const mod = (x: number) => ((x % JIFFY_MS) + JIFFY_MS) % JIFFY_MS
  const r0 = mod(t0 - first)
  let early = 0
  for (const t of ticks) early = Math.min(early, mod(t - first - r0 + JIFFY_MS / 2) - JIFFY_MS / 2)
  return Math.round(mod(r0 + early) * 1000) / 1000
}

/** A device's name as a C identifier: 0000:00:04.0 is pci_0000_00_04_0. */
export function deviceIdentifier(dev: string): string {
  const id = dev.replace(/[^A-Za-z0-9_]/g, '_')
  return /^\d/.test(id) || /^[0-9a-f]{4}_/.test(id) ? `pci_${id}` : id
}

/**
 * A trace pushed line by line into a sink's plan. Without a sink the plan
 * is built in memory and finish() gives it; with one (a file, plan-file.ts)
 * conclude() gives what the sink needs to complete it.
 */
export class TraceImporter {
  readonly #o: ImportOptions
  readonly #sink: PlanSink
  /** `"file:` as JSON text: a step's `at` is this, the line number and a quote. */
  readonly #atPrefix: string
  #lines = 0
  #events = 0
  #dmaEvents = 0
  readonly #unknown = new Map<string, number>()
  readonly #devices = new Map<string, number>()
  readonly #names = new Set<string>()
  readonly #traffic = new Map<string, DeviceTraffic>()
  readonly #leftOut = new Map<string, number>()
  readonly #defects: string[] = []
  readonly #assumed = new Set<string>()
  #lastTime = -1
  readonly #pairing = new IovaCallPairing()
  /** Lines of the IOVA API's probes: without any, a release that has the API leaves its calls out. */
  #iovaProbes = 0
  /** When the flush queue's timer ran (s, as printed), the first of them: it runs on a tick. */
  readonly #ticks: string[] = []
  #fqTimers = 0

  constructor(options: ImportOptions, sink: PlanSink = new MemorySink()) {
    this.#o = options
    this.#sink = sink
    this.#atPrefix = JSON.stringify(`${options.file ?? 'trace'}:`).slice(0, -1)
  }

  /** One line of the trace (1-based line numbers, in order); throws TraceSyntaxError on a malformed event. */
  push(text: string): void {
    const line = ++this.#lines
    const t = parseTraceLine(text, line)
    if (t.kind === 'none') return
    this.#events++
    if (t.kind === 'other') return this.#probe(text, line)
    if (t.kind === 'unknown') {
      this.#unknown.set(t.name, (this.#unknown.get(t.name) ?? 0) + 1)
      return
    }
    const e = t.event
    this.#dmaEvents++
    this.#names.add(e.event)
    this.#devices.set(e.device, (this.#devices.get(e.device) ?? 0) + 1)
    // tracefs and trace-cmd merge the CPUs' buffers in time order: a step back is two traces joined, or a damaged one.
    const time = Number(e.time)
    if (time < this.#lastTime) throw new TraceSyntaxError(line, `this event at ${e.time} s comes after one at ${this.#lastTime} s, and a trace is in time order (two traces joined, or lines lost or moved)`)
    this.#lastTime = time
    if (this.#o.device !== undefined && e.device !== this.#o.device) return
    this.#trafficOf(e.device).push(e)
  }

  /** A line of the importer's IOVA API kprobes: each call the driver made, once it returned, to its device's traffic. */
  #probe(text: string, line: number): void {
    const tick = parseTickProbe(text)
    if (tick !== undefined) {
      if (this.#ticks.length < 256) this.#ticks.push(tick)
      // The probe names no domain: with one lazy device, its timer; with several, any of theirs (said at the end).
      for (const t of this.#traffic.values()) t.fqTimer(tick)
      return
    }
    const hit = parseIovaProbe(text, line)
    if (hit === undefined) return
    this.#iovaProbes++
    const p = this.#pairing.hit(hit)
    if (p === undefined || p.call.within !== undefined) return
    const device = p.call.device
    if (!p.complete) {
      if (p.call.fn === 'iova_alloc' && device !== undefined && (this.#o.device === undefined || device === this.#o.device)) this.#trafficOf(device).iovaBegin(p.entry)
      return
    }
    if (device === undefined) return this.#leaveOut('IOVA API calls of probes without the device (dev=)')
    this.#devices.set(device, this.#devices.get(device) ?? 0)
    if (this.#o.device !== undefined && device !== this.#o.device) return
    this.#trafficOf(device).iova(p.call, p.entry.line, p.entry, p.entry)
  }

  #leaveOut(why: string): void {
    this.#leftOut.set(why, (this.#leftOut.get(why) ?? 0) + 1)
  }

  #trafficOf(device: string): DeviceTraffic {
    let traffic = this.#traffic.get(device)
    if (traffic === undefined) {
      traffic = new DeviceTraffic(
        this.#sink.device(device),
        (l) => `${this.#atPrefix}${l}"`,
        (why) => this.#leaveOut(why),
        (l, text) => this.#defects.push(`line ${l}: ${text}`),
        (text) => this.#assumed.add(text),
      )
      this.#traffic.set(device, traffic)
    }
    return traffic
  }

  /** The plan's device (the one asked for, or the busiest), its plan's head, and what the import did. */
  conclude(): ImportConclusion {
    for (const t of this.#traffic.values()) t.finish()
    const assumptions = [...this.#assumed]
    const fileKernel = typeof this.#o.platform === 'object' ? this.#o.platform.kernel : undefined
    const kernel = this.#o.kernel ?? fileKernel ?? inferKernel(this.#names)
    if (kernel === undefined) throw new Error('the trace does not say which release it came from (no single mappings, or events of two formats): give --kernel')
    if (this.#o.kernel === undefined && fileKernel === undefined) assumptions.push(`kernel ${kernel}: the newest release whose single mappings are traced as ${kernelHas(kernel, 'trace-dma-map-phys') ? 'dma_map_phys' : 'dma_map_page'}`)
    // The busiest: the most steps, the first seen among equals.
    let busiest: string | undefined
    let most = -1
    for (const [dev, t] of this.#traffic)
      if (t.steps > most) {
        busiest = dev
        most = t.steps
      }
    const chosen = this.#o.device ?? busiest
    if (chosen === undefined) throw new Error(this.#o.device === undefined ? 'the trace has no dma events' : `the trace has no dma events of ${this.#o.device}`)
    if (this.#o.device === undefined && this.#traffic.size > 1) assumptions.push(`device ${chosen}: the busiest of ${this.#traffic.size} (--device picks another)`)
    const traffic = this.#traffic.get(chosen)
    if (traffic === undefined) throw new Error(`the trace has no dma events of ${chosen} (its devices: ${[...this.#devices.keys()].join(', ') || 'none'})`)
    const name = deviceIdentifier(chosen)
    if (this.#iovaProbes === 0 && kernelHas(kernel, 'dma-iova-api'))
      assumptions.push(
        `kernel ${kernel} has the two-step IOVA API, which has no dma events, and the trace has no probes of it (dmaplan import --probes): what the driver and the block layer mapped through it is not in the plan, and the IOVAs of later mappings may differ`,
      )
    const given = this.#o.platform
    let platform: PlatformJson
    if (given === undefined) {
      const inferred = traffic.evidence.conclude() ?? { name: 'vtd-strict' as const, why: 'the trace has no single mapping to tell the set-up by, and VT-d strict is assumed' }
      platform = NAMED_PLATFORMS[inferred.name]
      assumptions.push(`platform ${inferred.name}: ${inferred.why} (--platform says otherwise)`)
    } else platform = typeof given === 'string' ? NAMED_PLATFORMS[given] : given
    const dmaMask = this.#o.dmaMask ?? inferMask(platform.iommu.mode, traffic.maxDma)
    if (this.#o.dmaMask === undefined)
      assumptions.push(
        platform.iommu.mode === 'translated'
          ? `device ${chosen}: a DMA mask of ${dmaMask} bits, the narrowest that holds every DMA address of the trace (the IOVA allocator works down from the mask, or from 4 GiB first for a wider one; --dma-mask says otherwise)`
          : `device ${chosen}: a 64-bit DMA mask (the trace does not say; --dma-mask says otherwise)`,
      )
    assumptions.push(`device ${chosen}: a PCI device, coherent and trusted (the trace does not say)`)
    const tickPhaseMs = tickPhase(
      this.#ticks.map((t) => Number(t) * 1000),
      traffic.first,
    )
    const lazy = isLazy(platform)
    const fqTimer = lazy && this.#ticks.length > 0
    if (fqTimer && this.#traffic.size > 1)
      assumptions.push(`the flush queue's timer runs the trace shows are taken as ${chosen}'s: the fq_flush probe does not name the domain, and the trace has ${this.#traffic.size} devices`)
    if (lazy)
      assumptions.push(
        tickPhaseMs === undefined
          ? "the kernel's ticks are taken to fall at the trace's first event: the trace does not say where they fall (the fq_flush probe does), and the lazy flush queue's timer runs on them"
          : `the kernel's ticks fall ${tickPhaseMs} ms into each jiffy after the trace's first event, where the flush queue's timer ran earliest (${this.#ticks.length} runs of the fq_flush probe)`,
      )
    // The model's RAM reaches past every physical address the trace mapped.
    let ram = platform.ramBytes === undefined ? 512n << 20n : BigInt(platform.ramBytes)
    while (ram < traffic.maxPhys) ram <<= 1n
    return {
      device: chosen,
      head: {
        format: PLAN_FORMAT,
        name: this.#o.name ?? 'imported',
        platform: { ...platform, kernel, ramBytes: hex(ram) },
        device: name,
        devices: [{ name, dmaMask }],
        observed: {
          ...(tickPhaseMs === undefined ? {} : { tickPhaseMs }),
          ...(fqTimer ? { fqTimer } : {}),
          ...(traffic.defects.length > 0 ? { defects: traffic.defects } : {}),
          assumptions,
        },
      },
      summary: {
        lines: this.#lines,
        events: this.#events,
        dmaEvents: this.#dmaEvents,
        unknown: this.#unknown,
        devices: this.#devices,
        mappings: traffic.maps,
        leftOut: this.#leftOut,
        defects: this.#defects,
        assumptions,
      },
    }
  }

  /** The plan in memory, validated, and what the import did: for an importer without a sink of its own. */
  finish(): ImportResult {
    if (!(this.#sink instanceof MemorySink)) throw new Error('finish() gives a plan built in memory; this importer writes to its own sink (conclude() says how to complete it)')
    const c = this.conclude()
    return { plan: this.#sink.plan(c.device, c.head), summary: c.summary }
  }
}
