/**
 * HMM mirrors in a harness run. The harness reports a mirror page by page
 * (src/codegen/targets/harness/README.md): one segment per page of the
 * mirror, in order, a page that is not mapped as 0+0, at its map and after
 * each `fault` and `invalidate` step. The simulator keeps the mirror's
 * device page table as runs of DMA-contiguous pages (HwSegment.entries and
 * .first), and only its last state; this spreads a table out page by page,
 * and simulates the plan up to a step to know the table right after it.
 *
 * The same tables say which DMA API calls HMM makes inside the kernel
 * (mm/hmm.c), which the dma:* events and iova-probes.ts see: the simulator
 * folds a mirror's per-page calls into one record per loop (its trace stays
 * proportional to the plan, not to the pages), so each page that a step
 * maps gets its dma_iova_link() and dma_iova_sync() (without an IOVA: its
 * dma_map_phys()), each page it unmaps its dma_iova_unlink() (without an
 * IOVA: dma_unmap_phys() if there is a dma_list), from what the simulated
 * table did in that step.
 */
import type { P2pMapType } from '../../../src/plan/topology.js'
import { p2pDecision } from '../../../src/plan/topology.js'
import type { Plan, Step } from '../../../src/plan/ir.js'
import type { KernelVersion } from '../../../src/plan/kernel.js'
import { kernelHas } from '../../../src/plan/kernel-changes.js'
import type { SimOptions } from '../../../src/sim/options.js'
import { simulate } from '../../../src/sim/index.js'
import type { SimKernelCall, SimResult } from '../../../src/sim/index.js'
import { expandSegments } from '../../../src/sim/result/segments.js'
import type { Segment, TraceCall } from './observe.js'

/** A fault or invalidation of one page of a mirror, and the mirror's segments after it. */
export interface PageEvent {
  readonly op: 'fault' | 'invalidate'
  readonly tx: string
  readonly index: number
  /** A fault's result (0, or -EFAULT when hmm_dma_map_pfn() failed). */
  readonly ret: number
  readonly segs: readonly Segment[]
}

/** DMA API calls the kernel makes in one step, to be placed before the events of the calls after seq `after`. */
export interface HelperCalls {
  readonly after: number
  readonly calls: readonly TraceCall[]
}

/** A harness line `fault <tx> <idx> ret=<int> segs=<n>` or `invalidate <tx> <idx> segs=<n>`; its seg lines follow. */
export function pageEvent(word: string, rest: readonly string[]): PageEvent | undefined {
  if (word !== 'fault' && word !== 'invalidate') return undefined
  const ret = rest.find((r) => r.startsWith('ret='))?.slice(4)
  return { op: word, tx: rest[0] ?? '', index: Number(rest[1]), ret: Number(ret ?? 0), segs: [] }
}

const PAGE = 4096n
const EFAULT = -14
/** DMA_ATTR_REQUIRE_COHERENT: every HMM mapping carries it from 7.0 (include/linux/dma-mapping.h). */
const REQUIRE_COHERENT = 1n << 12n
/** DMA_ATTR_MMIO (6.18+) and, before it, DMA_ATTR_SKIP_CPU_SYNC: what a host-bridge P2P page adds. */
const MMIO = 1n << 10n
const SKIP_CPU_SYNC = 1n << 5n

/**
 * What pci_p2pdma_state() says of the page at phys, for hmm_dma_map_pfn():
 * undefined for RAM, else the route from the region's provider to the plan's
 * device. A bus-address page is neither linked nor mapped (nor unmapped): it
 * gets its bus address; a host-bridge page is linked or mapped as MMIO.
 */
function p2pPage(plan: Plan, phys: bigint): P2pMapType | undefined {
  const r = plan.regions.find((x) => x.memory === 'p2p' && x.phys !== undefined && phys + PAGE > x.phys && phys < x.phys + x.bytes)
  const provider = plan.devices.find((d) => d.name === r?.provider)
  const client = plan.devices.find((d) => d.name === plan.device)
  return provider && client ? p2pDecision(plan.platform, provider, client).map : undefined
}

/** The physical address of every page of the mirror a map step maps, in order (one pfn per page). */
function mirrorPages(plan: Plan, tx: string): bigint[] {
  const step = plan.steps.find((s): s is Extract<Step, { op: 'map' }> => s.op === 'map' && s.tx === tx)
  const out: bigint[] = []
  for (const name of step?.regions ?? []) {
    const r = plan.regions.find((x) => x.name === name)
    const phys = r?.phys ?? 0n
    if (r !== undefined) for (let p = phys - (phys % PAGE); p < phys + r.bytes; p += PAGE) out.push(p)
  }
  return out
}

/** The mirror's device page table in a result, page by page. */
function table(result: SimResult, pages: number, tx: string): Segment[] {
  const out: Segment[] = Array.from({ length: pages }, () => ({ dma: 0n, len: 0n }))
  const t = result.transactions.find((x) => x.name === tx)
  for (const s of expandSegments(t?.segments ?? [])) for (let i = 0; i < s.entries; i++) out[s.first + i] = { dma: BigInt(s.dma) + BigInt(i) * PAGE, len: PAGE }
  return out
}

/** The page indices a (folded) HMM call stands for, in its order (an unwinding goes last first); of hmm_dma_map_pfn() only those that mapped. */
function pageRun(c: SimKernelCall, mapsOnly: boolean): number[] {
  const first = Number(c.args.idx)
  const last = c.repeat === undefined ? first : Number(c.repeat.lastArgs.idx)
  const step = last < first ? -1 : 1
  const out = Array.from({ length: Math.abs(last - first) + 1 }, (_, k) => first + k * step)
  // A failing call is the run's last: a failed map stops there.
  return mapsOnly && (c.injected === true || c.errno !== undefined) ? out.slice(0, -1) : out
}

/** The sequence number of a run's last kernel call (a folded loop's last iteration). */
export const lastSeq = (r: SimResult): number => r.transactions.reduce((n, t) => t.calls.reduce((m, c) => Math.max(m, c.seq + (c.repeat ? c.repeat.count - 1 : 0)), n), 0)

/**
 * What the harness reports of the plan's mirrors, simulated: each hmm map's
 * segments right after the map, by transaction, every fault and
 * invalidation, and the IOVA API calls HMM makes. `steps` are the steps the
 * driver runs (predict.ts: the plan cut at a failed map, with the driver's
 * unwinding); `release` the kernel that ran, `kernel` how it differs from
 * its release (predict.ts).
 */
export function predictMirrors(
  plan: Plan,
  steps: readonly Step[],
  release: KernelVersion,
  kernel: Pick<SimOptions, 'changes' | 'dmaApiDebug'> = {},
): { maps: Map<string, Segment[]>; events: PageEvent[]; iova: HelperCalls[] } {
  const maps = new Map<string, Segment[]>()
  const events: PageEvent[] = []
  const iova: HelperCalls[] = []
  const mirrors = new Map<string, { phys: bigint[]; table: Segment[]; addr?: bigint; dmaList?: boolean }>()
  const after = (i: number) => simulate({ ...plan, steps: steps.slice(0, i + 1) }, kernel)
  const probed = kernelHas(release, 'dma-iova-api')
  const coherent = kernelHas(release, 'hmm-require-coherent') ? REQUIRE_COHERENT : 0n
  const mmio = kernelHas(release, 'hmm-mmio-host-bridge') ? MMIO : SKIP_CPU_SYNC
  const [map, unmap] = kernelHas(release, 'trace-dma-map-phys') ? ['dma_map_phys', 'dma_unmap_phys'] : ['dma_map_page', 'dma_unmap_page']
  steps.forEach((s, i) => {
    const tx = s.op === 'map' || s.op === 'hmm-fault' || s.op === 'hmm-invalidate' || s.op === 'unmap' ? s.tx : undefined
    if (tx === undefined || (s.op === 'map' ? s.strategy !== 'hmm' : !mirrors.has(tx))) return
    const r = after(i)
    const before = i === 0 ? 0 : lastSeq(after(i - 1))
    const m = mirrors.get(tx) ?? { phys: mirrorPages(plan, tx), table: [] }
    const was = s.op === 'map' ? m.phys.map(() => ({ dma: 0n, len: 0n })) : m.table
    const now = s.op === 'unmap' ? was.map(() => ({ dma: 0n, len: 0n })) : table(r, m.phys.length, tx)
    const calls: TraceCall[] = []
    if (s.op === 'map') {
      const alloc = r.transactions.find((t) => t.name === tx)?.calls.find((c) => c.fn === 'hmm_dma_map_alloc')
      if (alloc?.ret !== 0) return
      if (alloc.args['state.addr'] !== undefined) m.addr = BigInt(alloc.args['state.addr'] as string)
      m.dmaList = alloc.args.dma_list === true
      // hmm_dma_map_alloc(): dma_iova_try_alloc(dev, &map->state, 0, nr_entries * PAGE_SIZE).
      calls.push({ fn: 'iova_alloc', phys: 0n, size: BigInt(m.phys.length) * PAGE, ok: m.addr !== undefined, addr: m.addr ?? 0n })
      mirrors.set(tx, m)
      maps.set(tx, now)
    }
    if (s.op === 'hmm-fault' || s.op === 'hmm-invalidate') {
      // After a failed fault the harness reports no segments (the driver unwinds).
      const failed = s.op === 'hmm-fault' && (now[s.index]?.len ?? 0n) === 0n
      events.push({ op: s.op === 'hmm-fault' ? 'fault' : 'invalidate', tx, index: s.index, ret: failed ? EFAULT : 0, segs: failed ? [] : now })
    }
    const addr = m.addr
    // hmm_dma_map_pfn() links and syncs each page, or maps it on its own; hmm_dma_unmap_pfn() undoes that.
    const page = (idx: number, op: 'map' | 'unmap', dma: bigint) => {
      const offset = BigInt(idx) * PAGE
      const phys = m.phys[idx] ?? 0n
      const p2p = p2pPage(plan, phys)
      const attrs = coherent | (p2p === 'host-bridge' ? mmio : 0n)
      if (p2p === 'bus') return
      if (op === 'map' && addr !== undefined)
        calls.push({ fn: 'iova_link', addr, phys, offset, size: PAGE, dir: 'BIDIRECTIONAL', attrs, ret: 0 }, { fn: 'iova_sync', addr, offset, size: PAGE, ret: 0 })
      if (op === 'map' && addr === undefined) calls.push({ fn: 'map_single', event: map, dir: 'BIDIRECTIONAL', dma, size: PAGE, phys })
      if (op === 'unmap' && addr !== undefined) calls.push({ fn: 'iova_unlink', addr, offset, size: PAGE, dir: 'BIDIRECTIONAL', attrs })
      if (op === 'unmap' && addr === undefined && m.dmaList === true) calls.push({ fn: 'unmap_single', event: unmap, dir: 'BIDIRECTIONAL', dma, size: PAGE })
    }
    const failed = s.op === 'map' && r.transactions.find((t) => t.name === tx)?.status === 'failed'
    if (failed) {
      // A map that fails part-way undoes itself (templates/module/hmm.c): the pages it mapped are unmapped, the map freed.
      // Without an IOVA a page's DMA address is its physical address (dma-direct).
      for (const c of r.transactions.find((t) => t.name === tx)?.calls ?? []) {
        if (c.seq <= before) continue
        if (c.fn === 'hmm_dma_map_pfn') for (const idx of pageRun(c, true)) page(idx, 'map', m.phys[idx] ?? 0n)
        if (c.fn === 'hmm_dma_unmap_pfn') for (const idx of pageRun(c, false)) page(idx, 'unmap', m.phys[idx] ?? 0n)
      }
      mirrors.delete(tx)
    } else
      was.forEach((w, idx) => {
        const mapped = w.len === 0n && (now[idx]?.len ?? 0n) > 0n
        const unmapped = w.len > 0n && (now[idx]?.len ?? 0n) === 0n
        if (mapped) page(idx, 'map', now[idx]?.dma ?? 0n)
        if (unmapped) page(idx, 'unmap', w.dma)
      })
    // hmm_dma_map_free(): dma_iova_free() of the whole state.
    if ((s.op === 'unmap' || failed) && addr !== undefined) calls.push({ fn: 'iova_free', addr, stateSize: BigInt(m.phys.length) * PAGE })
    if (s.op === 'unmap') mirrors.delete(tx)
    else if (!failed) m.table = now
    // Before 6.16 the driver's HMM calls are the compat header's stubs, and map nothing.
    if (probed && calls.length > 0) iova.push({ after: before, calls })
  })
  return { maps, events, iova }
}
