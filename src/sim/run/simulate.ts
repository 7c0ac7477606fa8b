/**
 * Runs a plan step by step on a Machine: each map step through its
 * strategy, device accesses through the DMA engine, CPU accesses through
 * the CPU's view of memory, syncs, HMM faults, unmaps and waits; checks
 * every read against what the plan expects; and reports what is left over.
 */
import type { MapStep, Plan, Step } from '../../plan/ir.js'
import { formatU64, U64_MAX } from '../../plan/u64.js'
import { unreachable } from '../../plan/unreachable.js'
import { DMA_BIDIRECTIONAL, DMA_FROM_DEVICE, DMA_TO_DEVICE } from '../consts.js'
import type { DmaDir } from '../consts.js'
import { attrBits } from '../dma/attrs.js'
import { KernelBug } from '../dma/mapping.js'
import { writePattern, writeSeed } from '../mem/pattern.js'
import type { SimOptions } from '../options.js'
import { newCounters, toCounters } from '../stats.js'
import { STRATEGIES } from '../strategies/index.js'
import type { HwSegment, TxMapping } from '../strategies/strategy.js'
import type { ArgValue, Args, KernelCall } from '../trace.js'
import type { DataError, SimKernelCall, SimResult, TransactionResult } from '../result/schema.js'
import { SIM_RESULT_FORMAT } from '../result/format.js'
import { Allocations } from '../allocations.js'
import { Machine } from './machine.js'
import { placementReason } from './placement.js'
import { expectKernelIova, forgetKernelIova } from './kernel-iova.js'
import type { RegionInfo } from './regions.js'
import { Shadow } from './shadow.js'
import { descriptor } from '../../strategies/index.js'

interface TxRun {
  readonly step: MapStep
  readonly regions: RegionInfo[]
  readonly dir: DmaDir
  readonly counters: Float64Array
  readonly allocations: Allocations
  mapping: TxMapping | undefined
  status: TransactionResult['status']
  error?: string
  segments: HwSegment[]
  metadataBytes: number
  stateBytes: number
  path: string
  readonly data: { checks: number; errors: DataError[] }
}

const DIRS: Record<MapStep['dir'], DmaDir> = { 'to-device': DMA_TO_DEVICE, 'from-device': DMA_FROM_DEVICE, bidirectional: DMA_BIDIRECTIONAL }

export interface RunOutput {
  readonly result: SimResult
  readonly machine: Machine
}

/** Simulate a plan; returns the result and the machine (for tests that look inside). */
export function runPlan(plan: Plan, options: SimOptions = {}): RunOutput {
  const m = new Machine(plan, options)
  const txs = new Map<string, TxRun>()
  const shadows = new Map<string, Shadow>()
  const shadow = (r: RegionInfo): Shadow => {
    let s = shadows.get(r.name)
    if (s === undefined) {
      s = new Shadow(r.phys)
      shadows.set(r.name, s)
    }
    return s
  }
  const totalData = { checks: 0, errors: [] as DataError[] }
  // A CPU read is checked against the last transaction that mapped its region: that is where a missing sync or copy-back shows.
  const lastMapped = new Map<string, TxRun>()
  let aborted: string | undefined

  const within = <T>(tx: TxRun | undefined, fn: () => T): T => {
    m.stats.current = tx?.counters
    m.stats.allocations = tx?.allocations
    m.trace.tx = tx?.step.tx
    m.reporter.context.tx = tx?.step.tx
    try {
      return fn()
    } finally {
      m.stats.current = undefined
      m.stats.allocations = undefined
      m.trace.tx = undefined
      m.trace.breakLoop()
    }
  }

  const snapshot = (tx: TxRun) => {
    if (tx.mapping === undefined) return
    tx.segments = tx.mapping.segments()
    tx.metadataBytes = tx.mapping.metadataBytes()
    tx.stateBytes = Math.max(tx.stateBytes, tx.mapping.stateBytes())
  }

  const check = (tx: TxRun | undefined, step: number, op: DataError['op'], region: RegionInfo, offset: bigint, got: Uint8Array) => {
    const want = shadow(region).read(offset, got.length)
    totalData.checks++
    if (tx) tx.data.checks++
    let mismatches = 0
    let first = -1
    for (let i = 0; i < got.length; i++) {
      if (got[i] !== want[i]) {
        mismatches++
        if (first < 0) first = i
      }
    }
    if (mismatches === 0) return
    const err: DataError = {
      step,
      op,
      ...(tx ? { tx: tx.step.tx } : {}),
      region: region.name,
      offset: formatU64(offset),
      bytes: formatU64(BigInt(got.length)),
      mismatches,
      firstMismatch: formatU64(offset + BigInt(first)),
      expected: want[first] as number,
      got: got[first] as number,
    }
    totalData.errors.push(err)
    if (tx) tx.data.errors.push(err)
    m.reporter.report(
      'DATA',
      'error',
      'data',
      `${op} of ${region.name} [${formatU64(offset)}+${formatU64(BigInt(got.length))}]${tx ? ` ${op === 'cpu-read' ? 'after' : 'through'} ${tx.step.tx}` : ''}: ${mismatches} byte(s) differ from what the plan expects, first at offset ${formatU64(offset + BigInt(first))} (expected 0x${(want[first] as number).toString(16)}, got 0x${(got[first] as number).toString(16)})`,
    )
  }

  const device = (tx: TxRun, index: number, s: Extract<Step, { op: 'device-read' | 'device-write' }>) => {
    const ri = tx.regions.findIndex((r) => r.name === s.region)
    const region = tx.regions[ri]
    if (region === undefined || tx.mapping === undefined) return
    const pieces = tx.mapping.locate(ri, s.offset, s.bytes)
    if (typeof pieces === 'string') {
      m.reporter.report('DMA', 'error', 'dmaplan', `device ${s.op === 'device-read' ? 'read' : 'write'} of ${region.name} through ${tx.step.tx}: ${pieces}`)
      return
    }
    if (s.op === 'device-write') {
      const data = writePattern(writeSeed(index, 'device'), s.offset, Number(s.bytes))
      let pos = 0
      for (const p of pieces) {
        m.engine.write(p.dma, data.subarray(pos, pos + p.len))
        pos += p.len
      }
      shadow(region).write(s.offset, data)
    } else {
      const got = new Uint8Array(Number(s.bytes))
      let pos = 0
      for (const p of pieces) {
        got.set(m.engine.read(p.dma, p.len), pos)
        pos += p.len
      }
      check(tx, index, 'device-read', region, s.offset, got)
    }
  }

  const steps = plan.steps
  for (let index = 0; index < steps.length && aborted === undefined; index++) {
    options.onProgress?.(index, steps.length)
    const s = steps[index] as Step
    m.reporter.context.step = index
    m.trace.step = index
    m.reporter.context.tx = undefined
    try {
      runStep(s, index)
    } catch (e) {
      if (e instanceof KernelBug) aborted = e.message
      else throw e
    }
  }

  function runStep(s: Step, index: number): void {
    switch (s.op) {
      case 'wait':
        m.clock.advance(s.ms)
        if (s.fqTimer === true) m.domain?.fq?.timeout()
        return
      case 'set-dma-mask': {
        const ret = m.api.dma_set_mask_and_coherent(s.bits)
        // The driver's probe fails here; the model goes on with the mask it had, to show the rest of the plan.
        if (ret !== 0)
          m.reporter.report(
            'R45',
            'error',
            'kernel',
            `${s.at ?? `step ${index}`}: dma_set_mask_and_coherent(DMA_BIT_MASK(${s.bits})) = -EIO: dma-direct cannot reach all of ZONE_DMA (below 16 MiB) with a ${s.bits}-bit mask; the device keeps its ${(m.dev.dmaMask ?? 0n).toString(2).length}-bit mask and the driver's probe fails`,
          )
        return
      }
      case 'set-segment-boundary':
        m.api.dma_set_seg_boundary(s.mask)
        return
      case 'set-max-segment-size':
        m.api.dma_set_max_seg_size(s.bytes)
        return
      case 'set-min-align-mask':
        m.api.dma_set_min_align_mask(s.mask)
        return
      case 'cpu-read':
      case 'cpu-write': {
        const region = m.regions.get(s.region)
        if (region === undefined) return
        if (s.op === 'cpu-write') {
          const data = writePattern(writeSeed(index, 'cpu'), s.offset, Number(s.bytes))
          m.cpuWrite(region.phys + s.offset, data)
          shadow(region).write(s.offset, data)
        } else check(lastMapped.get(region.name), index, 'cpu-read', region, s.offset, m.cpuRead(region.phys + s.offset, Number(s.bytes)))
        return
      }
      case 'map': {
        const regions = s.regions.map((n) => m.regions.get(n)).filter((r): r is RegionInfo => r !== undefined)
        const tx: TxRun = {
          step: s,
          regions,
          dir: DIRS[s.dir],
          counters: newCounters(),
          allocations: new Allocations(() => m.trace.nextSeq),
          mapping: undefined,
          status: 'failed',
          segments: [],
          metadataBytes: 0,
          stateBytes: 0,
          path: '',
          data: { checks: 0, errors: [] },
        }
        txs.set(s.tx, tx)
        // Where the trace leaves the order of the kernel's IOVA work in doubt: the kernel's IOVA, and TRACE-ORDER.
        expectKernelIova(m, s)
        const outcome = within(tx, () => STRATEGIES[s.strategy]({ m, api: m.api, step: s, regions, dir: tx.dir, attrs: attrBits(s.attrs) }))
        forgetKernelIova(m.domain)
        if (outcome.ok) {
          tx.mapping = outcome.mapping
          tx.status = 'mapped'
          tx.path = outcome.mapping.path
          for (const r of regions) lastMapped.set(r.name, tx)
          if (descriptor(s.strategy).allocates) for (const r of regions) shadow(r).zero(r.bytes)
          snapshot(tx)
        } else {
          tx.error = outcome.error
          m.reporter.context.tx = s.tx
          const placed = placementReason(m, s.strategy, regions)
          m.reporter.report('MAP', 'error', 'dmaplan', `transaction ${s.tx} (${s.strategy}) could not be mapped: ${outcome.error}${placed !== undefined ? `; ${placed}` : ''}`)
        }
        if (s.observed) compareObserved(m, s, tx)
        return
      }
      case 'device-read':
      case 'device-write':
      case 'sync-for-cpu':
      case 'sync-for-device':
      case 'hmm-fault':
      case 'hmm-invalidate':
      case 'unlink':
      case 'unmap':
      case 'keep':
        break
      default:
        unreachable(s)
    }
    const tx = txs.get(s.tx)
    if (tx === undefined || tx.mapping === undefined || tx.status !== 'mapped') return
    const mapping = tx.mapping
    m.reporter.context.tx = s.tx
    switch (s.op) {
      case 'device-read':
      case 'device-write':
        within(tx, () => device(tx, index, s))
        return
      case 'sync-for-cpu':
      case 'sync-for-device': {
        const ri = s.region === undefined ? undefined : tx.regions.findIndex((r) => r.name === s.region)
        within(tx, () => mapping.sync(s.op === 'sync-for-cpu', ri))
        return
      }
      case 'hmm-fault':
        within(tx, () => mapping.hmmFault?.(s.index))
        snapshot(tx)
        return
      case 'hmm-invalidate':
        within(tx, () => mapping.hmmInvalidate?.(s.index))
        snapshot(tx)
        return
      case 'unlink': {
        const ri = tx.regions.findIndex((r) => r.name === s.region)
        if (ri >= 0) within(tx, () => mapping.unlink?.(ri))
        return
      }
      case 'unmap':
        snapshot(tx)
        if (s.inFqTimer === true && m.domain?.fq !== undefined) m.domain.fq.inTimerRun = true
        within(tx, () => mapping.unmap())
        if (m.domain?.fq !== undefined) m.domain.fq.inTimerRun = false
        tx.status = 'unmapped'
        return
      case 'keep':
        snapshot(tx)
        tx.status = 'kept'
        return
      default:
        unreachable(s)
    }
  }

  m.reporter.context.step = undefined
  m.trace.step = undefined
  m.reporter.context.tx = undefined
  for (const tx of txs.values()) if (tx.status === 'mapped') snapshot(tx)
  if (options.unbind) {
    m.debug.release()
    m.tracker.release()
  }
  // What the trace's own traffic did wrong, found by the importer where the plan's steps cannot hold it.
  m.reporter.context.tx = undefined
  for (const d of plan.observed?.defects ?? []) m.reporter.report(d.check, 'warning', 'dma-debug', `${d.at}: ${d.message}`)
  // What the trace did not say and the import assumed: every figure above rests on it.
  for (const a of plan.observed?.assumptions ?? []) m.reporter.report('TRACE-ASSUMED', 'info', 'dmaplan', a)
  const teardown = teardownReport(m, [...txs.values()])
  const calls = m.trace.calls
  // Each transaction's calls, grouped in one pass: a plan of many transactions is not a scan of every call per transaction.
  const callsByTx = new Map<string | undefined, KernelCall[]>()
  for (const c of calls) {
    const list = callsByTx.get(c.tx)
    if (list === undefined) callsByTx.set(c.tx, [c])
    else list.push(c)
  }
  const result: SimResult = {
    format: SIM_RESULT_FORMAT,
    plan: plan.name,
    ok: false,
    ...(aborted !== undefined ? { aborted } : {}),
    kernel: plan.platform.kernel,
    platform: {
      iommu: plan.platform.iommu.mode,
      granule: plan.platform.iommu.granule,
      flush: m.domain?.fq ? 'lazy' : 'strict',
      ram: m.layout.ram.map((r) => ({ start: formatU64(r.start), end: formatU64(r.end) })),
      swiotlb: m.swiotlb ? { base: formatU64(m.swiotlb.start), slots: m.swiotlb.nslabs, force: m.forceBounce } : null,
      coco: plan.platform.coco,
    },
    device: {
      name: m.dev.name,
      bdf: m.dev.bdf,
      path: m.dev.dmaIommu ? 'iommu' : 'direct',
      dmaMask: formatU64(m.dev.dmaMask ?? 0n),
      coherent: m.dev.coherent,
      untrusted: m.dev.untrusted,
    },
    regions: [...m.regions.values()].map((r) => ({
      name: r.name,
      phys: formatU64(r.phys),
      bytes: formatU64(r.bytes),
      kind: r.kind,
      placed: r.ir.phys === undefined ? 'model' : 'plan',
    })),
    transactions: [...txs.values()].map((tx) => ({
      name: tx.step.tx,
      strategy: tx.step.strategy,
      dir: tx.step.dir,
      attrs: [...tx.step.attrs],
      status: tx.status,
      ...(tx.error !== undefined ? { error: tx.error } : {}),
      path: tx.path || 'none',
      calls: (callsByTx.get(tx.step.tx) ?? []).map(formatCall),
      segments: tx.segments.map((s) => ({ dma: formatU64(s.dma), len: formatU64(s.len), entries: s.entries, first: s.first, ...(s.repeat !== undefined ? { repeat: s.repeat } : {}) })),
      counters: toCounters(tx.counters),
      allocations: formatAllocations(tx.allocations, calls),
      metadataBytes: tx.metadataBytes,
      stateBytes: tx.stateBytes,
      data: tx.data,
    })),
    driverCalls: (callsByTx.get(undefined) ?? []).map(formatCall),
    findings: m.reporter.findings.map((f) => ({ ...f })),
    dmesg: [...m.reporter.dmesg],
    data: totalData,
    totals: toCounters(m.stats.total),
    teardown,
    faultInjection: {
      ...(options.failAtCall !== undefined ? { failAtCall: options.failAtCall } : {}),
      ...(m.trace.injectedAt !== undefined ? { injectedCallSeq: m.trace.injectedAt } : {}),
      exhaustIova: options.exhaustIova === true,
      swiotlbFull: options.swiotlbFull === true,
      p2pUnsupported: options.p2pUnsupported === true,
    },
    clockMs: m.clock.nowMs,
    peakIovaGranules: m.domain?.peakGranules ?? 0,
  }
  result.ok = aborted === undefined && totalData.errors.length === 0 && !result.findings.some((f) => f.severity === 'error')
  return { result, machine: m }
}

/** The kernel call whose seq range (a folded loop spans count seqs) holds seq. */
function callAt(calls: readonly KernelCall[], seq: number): string | undefined {
  let lo = 0
  let hi = calls.length - 1
  while (lo <= hi) {
    const mid = (lo + hi) >> 1
    const c = calls[mid] as KernelCall
    if (seq < c.seq) hi = mid - 1
    else if (seq >= c.seq + (c.repeat?.count ?? 1)) lo = mid + 1
    else return c.fn
  }
  return undefined
}

function formatAllocations(a: Allocations, calls: readonly KernelCall[]): TransactionResult['allocations'] {
  const by = (seq: number) => {
    const fn = callAt(calls, seq)
    return fn !== undefined ? { call: fn } : {}
  }
  return {
    iova: a.iova.map((r) => ({ start: formatU64(r.start), len: formatU64(r.len), ...by(r.seq) })),
    swiotlb: a.slots.map((r) => ({ slot: r.slot, slots: r.slots, addr: formatU64(r.addr), orig: formatU64(r.orig), size: formatU64(r.size), ...by(r.seq) })),
  }
}

function formatArg(v: ArgValue): string | number | boolean | null {
  if (typeof v === 'bigint') return formatU64(v & U64_MAX)
  return v
}

// These run for every call of every transaction: written without the temporaries of spreads and Object.entries().
function formatArgs(a: Args): Record<string, string | number | boolean | null> {
  const out: Record<string, string | number | boolean | null> = {}
  for (const k in a) out[k] = formatArg(a[k] as ArgValue)
  return out
}

function formatCall(c: KernelCall): SimKernelCall {
  // The keys in the order the JSON result has always had them.
  const out = { seq: c.seq, fn: c.fn } as SimKernelCall
  if (c.step !== undefined) out.step = c.step
  out.args = formatArgs(c.args)
  out.ret = formatArg(c.ret)
  if (c.errno !== undefined) out.errno = c.errno
  if (c.injected) out.injected = true
  if (c.repeat) out.repeat = { count: c.repeat.count, lastArgs: formatArgs(c.repeat.lastArgs), lastRet: formatArg(c.repeat.lastRet) }
  return out
}

/**
 * What is left after the plan. IOVA granules in the caches or the flush
 * queue are free for reuse; anything else must belong to a kept
 * transaction, or it leaked.
 */
function teardownReport(m: Machine, txs: readonly TxRun[]): SimResult['teardown'] {
  const kept = txs.filter((t) => t.status === 'kept' || t.status === 'mapped').map((t) => t.step.tx)
  const d = m.domain
  const cached = d ? d.caches.cachedPfns() : []
  const queued = d?.fq ? d.fq.queued : []
  let liveIova = 0
  if (d) {
    const cachedSet = new Set(cached)
    const queuedSet = new Set(queued.map((q) => q.pfn))
    for (const n of d.iovad.allocated()) if (!cachedSet.has(n.lo) && !queuedSet.has(n.lo)) liveIova += n.hi - n.lo + 1
  }
  const out = {
    liveIovaPages: liveIova,
    cachedIovaRanges: cached.length,
    queuedIovaRanges: queued.length,
    livePtes: d ? d.pgtable.present : 0,
    bounceSlots: m.swiotlb ? m.swiotlb.mappedSlots : 0,
    dmaDebugEntries: m.debug.liveEntries,
    keptTransactions: kept,
  }
  // A trace's mappings still mapped when it ends: leaks if the driver had let go of the device by then.
  const open = txs.filter((t) => t.status === 'mapped' && t.step.observed !== undefined)
  if (open.length > 0) {
    const named = open.slice(0, 4).map((t) => `${t.step.tx} (${t.step.strategy}${t.step.at ? `, ${t.step.at}` : ''})`)
    m.reporter.report(
      'LEAK',
      'warning',
      'dmaplan',
      `${open.length} mapping(s) of the trace are still mapped when it ends: ${named.join(', ')}${open.length > named.length ? ', ...' : ''}; leaked if the driver had let go of the device by then`,
    )
  }
  if (kept.length === 0) {
    const left: string[] = []
    if (out.liveIovaPages) left.push(`${out.liveIovaPages} IOVA granule(s)`)
    if (out.livePtes) left.push(`${out.livePtes} IOMMU page-table entr${out.livePtes === 1 ? 'y' : 'ies'}`)
    if (out.bounceSlots) left.push(`${out.bounceSlots} swiotlb slot(s)`)
    if (out.dmaDebugEntries) left.push(`${out.dmaDebugEntries} live DMA mapping(s)`)
    if (m.windows.count) left.push(`${m.windows.count} open DMA window(s)`)
    if (left.length) m.reporter.report('LEAK', 'error', 'dmaplan', `after the plan nothing should be mapped, but ${left.join(', ')} remain`)
  }
  return out
}

/**
 * TRACE-ADDR: a map of a plan imported from a trace (MapStep.observed)
 * whose DMA segments the simulator predicts otherwise than the kernel
 * recorded them; named with both and the trace line.
 */
function compareObserved(m: Machine, s: MapStep, tx: TxRun): void {
  const seen = s.observed
  if (seen === undefined) return
  // Where the entries were rebuilt, only the first address and the total are the trace's own.
  const show = (dma: readonly bigint[], len: readonly bigint[]) =>
    seen.entriesAssumed
      ? `${formatU64(dma[0] ?? 0n)} and ${formatU64(len.reduce((a, b) => a + b, 0n))} bytes in all`
      : dma.map((d, i) => `${formatU64(d)}+${formatU64(len[i] ?? 0n)}`).join(', ') || 'nothing'
  const kernel = show(seen.dma, seen.lengths)
  const segs = tx.segments.flatMap((x) => Array.from({ length: x.repeat ?? 1 }, (_, k) => ({ dma: x.dma + BigInt(k) * x.len, len: x.len })))
  const ours = tx.status === 'mapped' ? show(segs.map((x) => x.dma), segs.map((x) => x.len)) : 'a failed map'
  if (kernel === ours) return
  m.reporter.context.tx = s.tx
  m.reporter.report('TRACE-ADDR', 'warning', 'dmaplan', `${s.at ?? `transaction ${s.tx}`}: the kernel gave ${kernel}; the simulator predicts ${ours}`)
}
