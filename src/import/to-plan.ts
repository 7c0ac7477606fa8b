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
import type { Plan } from '../plan/ir.js'
import { PLAN_FORMAT } from '../plan/ir.js'
import { formatU64 as hex } from '../plan/u64.js'
import { DeviceTraffic } from './device-traffic.js'
import { deviceIdentifier, inferKernel, inferMask, tickPhase } from './infer-release.js'
import { MemorySink } from './memory-sink.js'
import type { PlanHead, PlanSink } from './plan-sink.js'
import { isLazy, NAMED_PLATFORMS } from './platforms.js'
import type { PlatformJson, PlatformName } from './platforms.js'
import { IovaCallPairing, parseIovaProbe, parseTickProbe } from './iova-probes.js'
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
    this.#trafficOf(e.device).push(e, time)
  }

  /** A line of the importer's IOVA API kprobes: each call the driver made, once it returned, to its device's traffic. */
  #probe(text: string, line: number): void {
    const tick = parseTickProbe(text)
    if (tick !== undefined) {
      if (this.#ticks.length < 256) this.#ticks.push(tick.time)
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
          : `the kernel's ticks fall ${tickPhaseMs} ms into each jiffy after the trace's first event, where the flush queue's timer ran earliest (${this.#ticks.length} ${this.#ticks.length === 1 ? 'run' : 'runs'} of the fq_flush probe)`,
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
