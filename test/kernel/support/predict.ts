/**
 * What the simulator predicts for a harness run, given what only the run
 * can tell: the physical address of every buffer the page allocator handed
 * out, and where the boot put the swiotlb pool. The plan is the harness's
 * own (harnessPlan(): the scenario plus the engine's scratch buffer), on the
 * release that ran.
 *
 * The simulator goes on after a failed map or HMM fault; the generated
 * driver does not: its run() unmaps what is mapped, latest first, and
 * returns the error. So when the simulation has a failed map (or a fault
 * that the fault injection made fail), the plan is cut there, the driver's
 * unwinding appended as unmap steps, and simulated again.
 */
import type { Plan, Step } from '../../../src/plan/ir.js'
import type { KernelVersion } from '../../../src/plan/kernel.js'
import { kernelHas } from '../../../src/plan/kernel-changes.js'
import { decodePlan, encodePlan } from '../../../src/plan/load.js'
import { formatU64 as hex } from '../../../src/plan/u64.js'
import { DMA_IOVA_USE_SWIOTLB } from '../../../src/sim/consts.js'
import { attrBits } from '../../../src/sim/dma/attrs.js'
import { parseDmaSegs } from '../../../src/sim/dma/scatterlist.js'
import { expandSegments } from '../../../src/sim/result/segments.js'
import type { P2pMapType } from '../../../src/plan/topology.js'
import { p2pDecision } from '../../../src/plan/topology.js'
import { simulate } from '../../../src/sim/index.js'
import type { SimOptions } from '../../../src/sim/options.js'
import type { SimKernelCall, SimResult, TransactionResult } from '../../../src/sim/index.js'
import type { HelperCalls, PageEvent } from './hmm-pages.js'
import { lastSeq, predictMirrors } from './hmm-pages.js'
import type { IovaCall, MapReport, Observation, TraceCall } from './observe.js'
import { DMA_MESSAGES, stripDevice } from './observe.js'

export interface Prediction {
  readonly result: SimResult
  readonly maps: readonly MapReport[]
  /** HMM mirrors' faults and invalidations (hmm-pages.ts). */
  readonly pages: readonly PageEvent[]
  readonly unmaps: readonly string[]
  /** Transactions whose mapping went through swiotlb. */
  readonly bounced: ReadonlySet<string>
  readonly trace: readonly TraceCall[]
  readonly messages: readonly string[]
  /** What the driver's run() returns: 0, or the failed map's error. */
  readonly ret: number
  /** The P2P route from each provider of the plan to its device (topology.ts), by the provider's PCI address in the run. */
  readonly routes: ReadonlyMap<string, P2pMapType>
}

const ERRNO: Readonly<Record<string, number>> = {
  '-EPERM': -1,
  '-EIO': -5,
  '-E2BIG': -7,
  '-ENOMEM': -12,
  '-EFAULT': -14,
  '-EINVAL': -22,
  '-EOPNOTSUPP': -95,
  '-EREMOTEIO': -121,
  // A block iterator's status, as blk_status_to_errno() turns it into an errno (block/blk-core.c, blk_errors[]).
  BLK_STS_RESOURCE: -12,
  BLK_STS_NOTSUPP: -95,
  BLK_STS_INVAL: -22,
  BLK_STS_IOERR: -5,
}

/**
 * `ranOn` is the release that ran: the plan may target a newer one (its
 * driver then takes the compat header's fallbacks). `kernel` says how the
 * kernel that ran differs from its release (backported fixes, and
 * CONFIG_DMA_API_DEBUG, under which dma_need_unmap() always says yes) and
 * which fallible call the driver was told to fail (fail_at_call).
 */
export function predict(
  plan: Plan,
  obs: Observation,
  peers: ReadonlyMap<string, string>,
  ranOn: KernelVersion,
  kernel: Pick<SimOptions, 'changes' | 'dmaApiDebug' | 'failAtCall'> = {},
): Prediction {
  const placed = place(plan, obs, peers, ranOn)
  let result = simulate(placed, kernel)
  const failed = firstFailedStep(placed, result, kernel)
  const steps = failed === undefined ? released(placed.steps) : unwound(placed.steps, failed)
  if (steps !== placed.steps) result = simulate({ ...placed, steps }, kernel)
  const byName = new Map(result.transactions.map((t) => [t.name, t]))
  const ranOnRelease = placed.platform.kernel
  // An HMM mirror changes after its map: its segments then, page by page.
  const mirrors = predictMirrors(placed, steps, ranOnRelease, kernel)
  const maps = result.transactions.map((t): MapReport => {
    if (t.status === 'failed') return { tx: t.name, ret: mapError(t), segs: [] }
    return { tx: t.name, ret: 0, segs: mirrors.maps.get(t.name) ?? expandSegments(t.segments).map((s) => ({ dma: BigInt(s.dma), len: BigInt(s.len) })) }
  })
  const unmaps = steps.filter((s): s is Extract<Step, { op: 'unmap' }> => s.op === 'unmap' && byName.get(s.tx)?.status === 'unmapped').map((s) => s.tx)
  const bounced = new Set(result.transactions.filter((t) => t.counters.bounceSlots > 0).map((t) => t.name))
  const firstFailure = maps.find((m) => m.ret !== 0)
  // A fault that fails ends the run with its -EFAULT (templates/module/hmm.c).
  const faultFailed = failed !== undefined && placed.steps[failed]?.op === 'hmm-fault' ? (ERRNO['-EFAULT'] as number) : undefined
  const client = placed.devices.find((d) => d.name === placed.device)
  const routes = new Map(
    client === undefined ? [] : placed.devices.filter((d) => d.p2pMemory !== undefined).map((d) => [peers.get(d.name) ?? d.name, p2pDecision(placed.platform, d, client).map] as const),
  )
  return {
    routes,
    result,
    maps,
    pages: mirrors.events,
    unmaps,
    bounced,
    trace: traceOf(result, ranOnRelease, mirrors.iova),
    messages: result.dmesg.filter((l) => DMA_MESSAGES.some((m) => m.test(l))).map(stripDevice),
    ret: faultFailed ?? firstFailure?.ret ?? 0,
  }
}

/** The plan on the kernel that ran, with the run's physical addresses, swiotlb pool and P2P BARs (each peer's provider: `peers`). */
function place(plan: Plan, obs: Observation, peers: ReadonlyMap<string, string>, ranOn: KernelVersion): Plan {
  const json = encodePlan(plan)
  const barOf = (peer: string) => obs.providers.get(peers.get(peer) ?? '')
  for (const d of json.devices ?? [])
    if (d.p2pMemory !== undefined && barOf(d.name) === undefined)
      throw new Error(`the plan maps P2P memory of ${d.name} and the run reported no provider at ${peers.get(d.name) ?? 'an address'} (no \`dmaplan: provider\` line in its log)`)
  const swiotlb = obs.boot.swiotlb
  const decoded = decodePlan({
    ...json,
    platform: {
      ...json.platform,
      kernel: ranOn,
      ...(swiotlb ? { swiotlb: { ...json.platform.swiotlb, base: hex(swiotlb.base), bytes: hex(swiotlb.bytes) } } : {}),
    },
    // Each peer is one of the set-up's providers (run.ts): its BAR is where the boot put it.
    devices: (json.devices ?? []).map((d) => {
      const p = barOf(d.name)
      return d.p2pMemory === undefined || p === undefined ? d : { ...d, p2pMemory: { ...d.p2pMemory, bar: hex(p.bar), bytes: hex(p.len) } }
    }),
    regions: (json.regions ?? []).map((r) => {
      const phys = obs.regions.get(r.name)
      return phys === undefined ? r : { ...r, phys: hex(phys) }
    }),
  })
  if (!decoded.ok) throw new Error(`the placed plan does not decode: ${decoded.issues.map((i) => `${i.path}: ${i.message}`).join('; ')}`)
  return decoded.plan
}

/** The first step the driver fails at: a failed map, or an HMM fault whose call the fault injection failed. */
function firstFailedStep(plan: Plan, result: SimResult, kernel: SimOptions): number | undefined {
  const failed = new Set(result.transactions.filter((t) => t.status === 'failed').map((t) => t.name))
  const i = plan.steps.findIndex((s) => s.op === 'map' && failed.has(s.tx))
  const map = i < 0 ? undefined : i
  const seq = result.faultInjection.injectedCallSeq
  if (seq === undefined) return map
  // The step that made the injected call: the first whose prefix of the plan reaches it.
  const at = plan.steps.findIndex((_, k) => lastSeq(simulate({ ...plan, steps: plan.steps.slice(0, k + 1) }, kernel)) >= seq)
  return at >= 0 && plan.steps[at]?.op === 'hmm-fault' && (map === undefined || at < map) ? at : map
}

/** Transactions mapped and not unmapped by the steps, latest first. */
function live(steps: readonly Step[]): string[] {
  const out: string[] = []
  for (const s of steps) {
    if (s.op === 'map') out.push(s.tx)
    if (s.op === 'unmap' && out.includes(s.tx)) out.splice(out.indexOf(s.tx), 1)
  }
  return out.reverse()
}

const unmaps = (txs: readonly string[]): Step[] => txs.map((tx): Step => ({ op: 'unmap', tx }))

/** The steps up to the failed map, then the driver's unwinding: unmap what is mapped, latest first. */
function unwound(steps: readonly Step[], failed: number): Step[] {
  return [...steps.slice(0, failed + 1), ...unmaps(live(steps.slice(0, failed)))]
}

/** What the plan keeps mapped, the driver unmaps when it is unbound (rmmod), latest first. */
function released(steps: readonly Step[]): readonly Step[] {
  const kept = live(steps)
  return kept.length === 0 ? steps : [...steps, ...unmaps(kept)]
}

/**
 * What the transaction's map function returns: -EFAULT when an HMM page
 * does not map (templates/module/hmm.c), else the error of its last failing
 * call (dma_mapping_error() says -ENOMEM).
 */
function mapError(t: TransactionResult): number {
  const failing = [...t.calls].reverse().find((c) => c.injected === true || c.errno !== undefined)
  if (failing?.fn === 'hmm_dma_map_pfn') return ERRNO['-EFAULT'] as number
  const last = [...t.calls].reverse().find((c) => c.errno !== undefined && c.errno in ERRNO)
  return last?.errno !== undefined ? (ERRNO[last.errno] ?? -1) : -1
}

const big = (v: unknown): bigint => (typeof v === 'string' || typeof v === 'number' ? BigInt(v) : 0n)
const dirOf = (v: unknown): string => String(v).replace(/^DMA_/, '')

/** The simulator's calls as the release's tracepoints (and the IOVA API's probes) would record them. */
function traceOf(result: SimResult, release: KernelVersion, helpers: readonly HelperCalls[] = []): TraceCall[] {
  const phys = kernelHas(release, 'trace-dma-map-phys')
  const single = (fn: string, map: boolean) => (phys ? (map ? 'dma_map_phys' : 'dma_unmap_phys') : fn.replace(/_attrs$/, ''))
  const calls = result.transactions.flatMap((t) => t.calls.map((c) => ({ c, t }))).sort((a, b) => a.c.seq - b.c.seq)
  // Before 6.16 the driver's IOVA calls are the compat header's static stubs, which no probe sees.
  const iova = kernelHas(release, 'dma-iova-api')
  const sizes = new Map<string, bigint>()
  const out: TraceCall[] = []
  // HMM's own IOVA calls (hmm-pages.ts), each step's before the calls the step made.
  let h = 0
  const helpersUpTo = (seq: number) => {
    for (; h < helpers.length && (helpers[h]?.after ?? 0) < seq; h++) out.push(...(helpers[h]?.calls ?? []))
  }
  for (const { c, t } of calls) {
    helpersUpTo(c.seq)
    // A call the fault injection failed was never made: the driver's wrapper returned first (templates/module/inject.c).
    if (c.injected === true) continue
    const a = c.args
    switch (c.fn) {
      case 'dma_map_page_attrs':
      case 'dma_map_resource':
      case 'dma_map_phys': {
        const at = a.page_pfn === undefined ? big(a.phys) : (big(a.page_pfn) << 12n) + big(a.offset)
        out.push({ fn: 'map_single', event: single(c.fn, true), dir: dirOf(a.dir), dma: big(c.ret), size: big(a.size), phys: at })
        break
      }
      case 'dma_unmap_page_attrs':
      case 'dma_unmap_resource':
      case 'dma_unmap_phys':
        out.push({ fn: 'unmap_single', event: single(c.fn, false), dir: dirOf(a.dir), dma: big(a.addr), size: big(a.size) })
        break
      case 'dma_map_sgtable':
        // Only a successful map is traced (dma_map_sg_err is for errors outside the documented ones).
        if (c.ret === 0) {
          // The call's own DMA entries: a transaction may hold more (auto maps only its peers' buffers with a scatterlist).
          const entries = parseDmaSegs(String(a.dma_segs ?? ''))
          out.push({ fn: 'map_sg', dir: dirOf(a.dir), nents: Number(a.orig_nents), dmas: entries.map((e) => e[0] ?? 0n), sizes: entries.map((e) => e[1] ?? 0n) })
        }
        break
      case 'dma_unmap_sgtable':
        out.push({ fn: 'unmap_sg', dir: dirOf(a.dir), nents: Number(a.orig_nents) })
        break
      case 'dma_alloc_coherent':
        out.push({ fn: 'alloc', dma: c.ret === null ? 0n : big(c.ret), size: big(a.size) })
        break
      case 'dma_free_coherent':
        out.push({ fn: 'free', dma: big(a.dma_handle), size: big(a.size) })
        break
      default:
        if (iova) out.push(...iovaCalls(c, t, release, sizes))
    }
  }
  helpersUpTo(Number.POSITIVE_INFINITY)
  return out
}

/**
 * The IOVA API calls of the simulation as the kernel's probes see them
 * (iova-probes.ts): the driver's calls, and the exported ones the kernel
 * makes inside dma_iova_destroy(). `sizes` holds each transaction's state
 * size (__size) from its dma_iova_try_alloc().
 */
function iovaCalls(c: SimKernelCall, t: TransactionResult, release: KernelVersion, sizes: Map<string, bigint>): IovaCall[] {
  const a = c.args
  const addr = big(a['state.addr'])
  const attrs = BigInt(attrBits(String(a.attrs ?? '0').split(' | ')))
  // A state that bounced a granule carries DMA_IOVA_USE_SWIOTLB in __size (iommu_dma_iova_link_swiotlb()).
  const stateSize = (sizes.get(t.name) ?? 0n) | (t.counters.bounceSlots > 0 ? DMA_IOVA_USE_SWIOTLB : 0n)
  switch (c.fn) {
    case 'dma_iova_try_alloc':
      sizes.set(t.name, c.ret === true ? big(a.size) : 0n)
      // dma_iova_try_alloc() clears the state first: 0 when it says no.
      return [{ fn: 'iova_alloc', phys: big(a.phys), size: big(a.size), ok: c.ret === true, addr }]
    case 'dma_iova_link':
      return [{ fn: 'iova_link', addr, phys: big(a.phys), offset: big(a.offset), size: big(a.size), dir: dirOf(a.dir), attrs, ret: Number(c.ret) }]
    case 'dma_iova_sync':
      return [{ fn: 'iova_sync', addr, offset: big(a.offset), size: big(a.size), ret: Number(c.ret) }]
    case 'dma_iova_unlink':
      return [{ fn: 'iova_unlink', addr, offset: big(a.offset), size: big(a.size), dir: dirOf(a.dir), attrs }]
    case 'dma_iova_free':
      return [{ fn: 'iova_free', addr, stateSize }]
    case 'dma_iova_destroy': {
      const mappedLen = big(a.mapped_len)
      const dir = dirOf(a.dir)
      const within = 'dma_iova_destroy'
      const free: IovaCall = { fn: 'iova_free', addr, stateSize, within }
      // 7.3 (dma-iommu.c:2148-2160): dma_iova_unlink(0, mapped_len), then dma_iova_free(), both exported and probed.
      // Before, a mapped_len went to the static __iommu_dma_iova_unlink(), which no probe sees; 0 to dma_iova_free().
      const inner: IovaCall[] = kernelHas(release, 'dma-iova-destroy-sync')
        ? [...(mappedLen ? [{ fn: 'iova_unlink' as const, addr, offset: 0n, size: mappedLen, dir, attrs, within }] : []), free]
        : mappedLen
          ? []
          : [free]
      return [{ fn: 'iova_destroy', addr, stateSize, mappedLen, dir, attrs }, ...inner]
    }
    default:
      return []
  }
}

