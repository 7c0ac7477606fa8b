/**
 * What the simulator predicts for a harness run, given what only the run
 * can tell: the physical address of every buffer the page allocator handed
 * out, and where the boot put the swiotlb pool. The plan is the harness's
 * own (harnessPlan(): the scenario plus the engine's scratch buffer), on the
 * release that ran.
 *
 * The simulator goes on after a failed map; the generated driver does not:
 * its run() unmaps what is mapped, latest first, and returns the error. So
 * when the simulation has a failed map, the plan is cut there, the driver's
 * unwinding appended as unmap steps, and simulated again.
 */
import type { Plan, Step } from '../../../src/plan/ir.js'
import type { KernelVersion } from '../../../src/plan/kernel.js'
import { kernelHas } from '../../../src/plan/kernel-changes.js'
import { decodePlan, encodePlan } from '../../../src/plan/load.js'
import { formatU64 as hex } from '../../../src/plan/u64.js'
import { simulate } from '../../../src/sim/index.js'
import type { SimResult, TransactionResult } from '../../../src/sim/index.js'
import type { MapReport, Observation, TraceCall } from './observe.js'
import { DMA_MESSAGES, stripDevice } from './observe.js'

export interface Prediction {
  readonly result: SimResult
  readonly maps: readonly MapReport[]
  readonly unmaps: readonly string[]
  /** Transactions whose mapping went through swiotlb. */
  readonly bounced: ReadonlySet<string>
  readonly trace: readonly TraceCall[]
  readonly messages: readonly string[]
  /** What the driver's run() returns: 0, or the failed map's error. */
  readonly ret: number
}

const ERRNO: Readonly<Record<string, number>> = { '-EPERM': -1, '-EIO': -5, '-E2BIG': -7, '-ENOMEM': -12, '-EINVAL': -22, '-EOPNOTSUPP': -95, '-EREMOTEIO': -121 }

/** `ranOn` is the release that ran: the plan may target a newer one (its driver then takes the compat header's fallbacks). */
export function predict(plan: Plan, obs: Observation, ranOn: KernelVersion): Prediction {
  const placed = place(plan, obs, ranOn)
  let result = simulate(placed)
  const failed = firstFailedMap(placed, result)
  const steps = failed === undefined ? released(placed.steps) : unwound(placed.steps, failed)
  if (steps !== placed.steps) result = simulate({ ...placed, steps })
  const byName = new Map(result.transactions.map((t) => [t.name, t]))
  const ranOnRelease = placed.platform.kernel
  const maps = result.transactions.map((t): MapReport => {
    if (t.status === 'failed') return { tx: t.name, ret: mapError(t), segs: [] }
    return { tx: t.name, ret: 0, segs: t.segments.map((s) => ({ dma: BigInt(s.dma), len: BigInt(s.len) })) }
  })
  const unmaps = steps.filter((s): s is Extract<Step, { op: 'unmap' }> => s.op === 'unmap' && byName.get(s.tx)?.status === 'unmapped').map((s) => s.tx)
  const bounced = new Set(result.transactions.filter((t) => t.counters.bounceSlots > 0).map((t) => t.name))
  const firstFailure = maps.find((m) => m.ret !== 0)
  return {
    result,
    maps,
    unmaps,
    bounced,
    trace: traceOf(result, ranOnRelease),
    messages: result.dmesg.filter((l) => DMA_MESSAGES.some((m) => m.test(l))).map(stripDevice),
    ret: firstFailure?.ret ?? 0,
  }
}

/** The plan on the kernel that ran, with the run's physical addresses and swiotlb pool. */
function place(plan: Plan, obs: Observation, ranOn: KernelVersion): Plan {
  const json = encodePlan(plan)
  const swiotlb = obs.boot.swiotlb
  const decoded = decodePlan({
    ...json,
    platform: {
      ...json.platform,
      kernel: ranOn,
      ...(swiotlb ? { swiotlb: { ...json.platform.swiotlb, base: hex(swiotlb.base), bytes: hex(swiotlb.bytes) } } : {}),
    },
    regions: (json.regions ?? []).map((r) => {
      const phys = obs.regions.get(r.name)
      return phys === undefined ? r : { ...r, phys: hex(phys) }
    }),
  })
  if (!decoded.ok) throw new Error(`the placed plan does not decode: ${decoded.issues.map((i) => `${i.path}: ${i.message}`).join('; ')}`)
  return decoded.plan
}

function firstFailedMap(plan: Plan, result: SimResult): number | undefined {
  const failed = new Set(result.transactions.filter((t) => t.status === 'failed').map((t) => t.name))
  const i = plan.steps.findIndex((s) => s.op === 'map' && failed.has(s.tx))
  return i < 0 ? undefined : i
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

/** What the transaction's map function returns: the error of its last failing call (dma_mapping_error() says -ENOMEM). */
function mapError(t: TransactionResult): number {
  const last = [...t.calls].reverse().find((c) => c.errno !== undefined && c.errno in ERRNO)
  return last?.errno !== undefined ? (ERRNO[last.errno] ?? -1) : -1
}

const big = (v: unknown): bigint => (typeof v === 'string' || typeof v === 'number' ? BigInt(v) : 0n)
const dirOf = (v: unknown): string => String(v).replace(/^DMA_/, '')

/** The simulator's calls as the release's tracepoints would record them. */
function traceOf(result: SimResult, release: KernelVersion): TraceCall[] {
  const phys = kernelHas(release, 'trace-dma-map-phys')
  const single = (fn: string, map: boolean) => (phys ? (map ? 'dma_map_phys' : 'dma_unmap_phys') : fn.replace(/_attrs$/, ''))
  const calls = result.transactions.flatMap((t) => t.calls.map((c) => ({ c, t }))).sort((a, b) => a.c.seq - b.c.seq)
  const out: TraceCall[] = []
  for (const { c, t } of calls) {
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
        if (c.ret === 0)
          out.push({ fn: 'map_sg', dir: dirOf(a.dir), nents: Number(a.orig_nents), dmas: t.segments.map((s) => BigInt(s.dma)), sizes: t.segments.map((s) => BigInt(s.len)) })
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
    }
  }
  return out
}

