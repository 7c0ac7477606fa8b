/**
 * One device's side of a trace, as plan steps: its mappings, syncs and
 * unmaps become steps in the trace's order (IOVA API calls held back while
 * their place is reserved: iova-states.ts), time passes as wait steps, and
 * what the traffic does wrong is a defect with the dma-debug check it is.
 */
import { DMA_MAPPING_ERROR, PAGE_SIZE_N as PAGE } from '../plan/kernel-consts.js'
import { unreachable } from '../plan/unreachable.js'
import { formatU64 as hex } from '../plan/u64.js'
import type { TraceDir } from './events.js'
import { PlatformEvidence } from './infer-platform.js'
import type { IovaCall, ProbeHit, TickHit } from './iova-probes.js'
import type { Reserved } from './iova-states.js'
import { IovaStates } from './iova-states.js'
import type { DeviceSink } from './plan-sink.js'
import { reconstructSgEntries } from './sg-reconstruct.js'
import { ATTRS, DIR, hexJson, hexList, PLAN_ATTRS } from './step-json.js'
import type { DmaTraceEvent } from './trace-line.js'


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

/** One device's side of the trace, as plan steps. */
export class DeviceTraffic {
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
  /** The interrupt level of the device's last event on each CPU, when the level last changed there (ms), and how often it changed. */
  readonly #irqOf = new Map<number, { readonly irq: number; readonly nested: number | undefined; readonly changes: number }>()
  /**
   * The flush queue's timer run the trace saw last, while the events after
   * it on its CPU are an interrupt's that came inside it (deeper than the
   * timer's level): an unmap there may have queued its IOVA before the
   * flush began (fq_flush_timeout()), so that this run freed it, or after.
   */
  #timerRun: { readonly cpu: number; readonly irq: number } | undefined
  /** The event being read is an interrupt's that came inside a run of the flush queue's timer. */
  #inTimerRun = false
  /** Each dma_iova_try_alloc() begun and not yet returned: how often its CPU's interrupt level had changed when it began. */
  readonly #allocBegun = new Map<object, number>()
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
    const ms = this.#pass(Number(hit.time))
    this.#nesting(hit.cpu, hit.irq, ms)
    if (c.fn !== 'iova_alloc') return this.#iova.push(c, line, entry)
    this.evidence.allocated()
    // An interrupt's events between the allocation's entry and its return: the IOVA was taken before them or after.
    const begun = entry === undefined ? undefined : this.#allocBegun.get(entry)
    if (entry !== undefined) this.#allocBegun.delete(entry)
    this.#iova.push(c, line, entry, begun !== undefined && begun !== this.#irqOf.get(hit.cpu)?.changes)
  }

  /** A dma_iova_try_alloc() of the driver began: its IOVA is taken here, unless an interrupt comes before it returns. */
  iovaBegin(entry: ProbeHit): void {
    const ms = this.#pass(Number(entry.time))
    this.#iova.begin(entry, this.#nesting(entry.cpu, entry.irq, ms))
    this.#allocBegun.set(entry, this.#irqOf.get(entry.cpu)?.changes ?? 0)
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
    const changed = before !== undefined && before.irq !== irq
    const nested = changed ? ms : before?.nested
    this.#irqOf.set(cpu, { irq, nested, changes: (before?.changes ?? 0) + (changed ? 1 : 0) })
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
  #pass(seconds: number): number {
    const t = this.#gather(seconds)
    if (this.#unsaid >= 1) this.#wait('')
    return t
  }

  /** The trace's time up to `seconds`, in ms, added to what no wait step has said yet. */
  #gather(seconds: number): number {
    const t = seconds * 1000
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

  /** The lazy flush queue's timer ran (the fq_flush probe): a wait to then that says so. */
  fqTimer(tick: TickHit): void {
    this.evidence.fqTimer()
    this.#timerRun = { cpu: tick.cpu, irq: tick.irq }
    if (this.first === undefined) return
    this.#gather(Number(tick.time))
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
    this.#step(`{"op":"unmap","tx":"${live.tx}"${this.#inTimerRun ? ',"inFqTimer":true' : ''},"at":${this.at(e.line)}}`)
  }

  /** An event of the dma trace, at `seconds` (its time as printed, which the importer has read once). */
  push(e: DmaTraceEvent, seconds: number): void {
    const ms = this.#pass(seconds)
    // A map whose event follows, on its CPU, one of a deeper interrupt: that interrupt came while the map ran (ObservedMap.interrupted).
    this.#interrupted = this.#nesting(e.cpu, e.irq, ms)
    const run = this.#timerRun
    this.#inTimerRun = run !== undefined && run.cpu === e.cpu && e.irq > run.irq
    if (run !== undefined && run.cpu === e.cpu && !this.#inTimerRun) this.#timerRun = undefined
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
        const lengths = reconstructSgEntries(e.physAddrs, e.sizes)
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
