/**
 * The kernel against the simulator, for one scenario: the platform the boot
 * made (IOMMU domain, flush policy, swiotlb pool), every map's result and
 * DMA segments (coalescing included), which mappings bounced, the order of
 * unmaps (the driver's unwinding included), every map and unmap call as the
 * kernel traced it, every IOVA API call as its probes saw it (iova-probes.ts),
 * and the DMA layer's warnings. A disagreement shows both
 * sides. Separately, the run itself must be sound: the data checked out, no
 * DMAR fault, no oops, and the scenario still shows what it claims to.
 */
import { formatU64 as hex } from '../../../src/plan/u64.js'
import type { IovaCall, Observation, Segment, TraceCall } from './observe.js'
import type { Prediction } from './predict.js'
import type { Scenario } from './scenario.js'

export interface Disagreement {
  readonly what: string
  readonly kernel: string
  readonly simulator: string
}

export interface Verdict {
  readonly disagreements: readonly Disagreement[]
  /** The run went wrong on its own terms (not a question of the simulator). */
  readonly problems: readonly string[]
}

const segs = (s: readonly Segment[]): string => (s.length === 0 ? 'none' : s.map((x) => `${hex(x.dma)}+${hex(x.len)}`).join(' '))

export function formatCall(c: TraceCall | undefined): string {
  if (c === undefined) return 'nothing'
  switch (c.fn) {
    case 'map_single':
      return `${c.event}(${c.dir}, phys ${hex(c.phys)}, ${c.size}) = ${hex(c.dma)}`
    case 'unmap_single':
      return `${c.event}(${c.dir}, ${hex(c.dma)}, ${c.size})`
    case 'map_sg':
      return `dma_map_sg(${c.dir}, ${c.nents} entries) = ${c.dmas.map((d, i) => `${hex(d)}+${hex(c.sizes[i] ?? 0n)}`).join(' ')}`
    case 'unmap_sg':
      return `dma_unmap_sg(${c.dir}, ${c.nents} entries)`
    case 'alloc':
      return `dma_alloc_coherent(${c.size}) = ${hex(c.dma)}`
    case 'free':
      return `dma_free_coherent(${hex(c.dma)}, ${c.size})`
    default:
      return formatIovaCall(c)
  }
}

/** An IOVA API call with the state's address first, as the kernel's probes saw it. */
function formatIovaCall(c: IovaCall): string {
  const ret = (r: number | undefined) => (r === undefined ? 'no return' : String(r))
  const inside = c.within === undefined ? '' : `, inside ${c.within}`
  switch (c.fn) {
    case 'iova_alloc':
      return `dma_iova_try_alloc(phys ${hex(c.phys)}, ${hex(c.size)}) = ${c.ok === undefined ? 'no return' : c.ok ? `true, state.addr ${hex(c.addr)}` : 'false'}${inside}`
    case 'iova_link':
      return `dma_iova_link(state.addr ${hex(c.addr)}, phys ${hex(c.phys)}, offset ${hex(c.offset)}, ${hex(c.size)}, ${c.dir}, attrs ${hex(c.attrs)}) = ${ret(c.ret)}${inside}`
    case 'iova_sync':
      return `dma_iova_sync(state.addr ${hex(c.addr)}, offset ${hex(c.offset)}, ${hex(c.size)}) = ${ret(c.ret)}${inside}`
    case 'iova_unlink':
      return `dma_iova_unlink(state.addr ${hex(c.addr)}, offset ${hex(c.offset)}, ${hex(c.size)}, ${c.dir}, attrs ${hex(c.attrs)})${inside}`
    case 'iova_destroy':
      return `dma_iova_destroy(state.addr ${hex(c.addr)}, state size ${hex(c.stateSize)}, mapped_len ${hex(c.mappedLen)}, ${c.dir}, attrs ${hex(c.attrs)})${inside}`
    case 'iova_free':
      return `dma_iova_free(state.addr ${hex(c.addr)}, state size ${hex(c.stateSize)})${inside}`
  }
}

export function compare(s: Scenario, obs: Observation, pred: Prediction): Verdict {
  const out: Disagreement[] = []
  const differ = (what: string, kernel: string, simulator: string) => {
    if (kernel !== simulator) out.push({ what, kernel, simulator })
  }
  const r = pred.result

  // The platform the boot made.
  const dom = obs.domain ?? 'unknown'
  differ("the device's IOMMU domain", dom, r.device.path === 'direct' ? (r.platform.iommu === 'passthrough' ? 'identity' : 'none') : r.platform.flush === 'lazy' ? 'dma-fq' : 'dma')
  const pool = obs.boot.swiotlb
  differ('swiotlb pool', pool ? `${hex(pool.base)}, ${pool.bytes / 2048n} slots` : 'none', r.platform.swiotlb ? `${r.platform.swiotlb.base}, ${r.platform.swiotlb.slots} slots` : 'none')

  // The P2P route from each provider: pci_p2pdma_distance_many() says only whether there is one; the maps show which.
  for (const pci of new Set([...obs.providers.keys(), ...pred.routes.keys()])) {
    const seen = obs.providers.get(pci)
    const route = pred.routes.get(pci)
    differ(
      `P2P route from the provider at ${pci} to the device`,
      seen === undefined ? 'no provider' : seen.distance < 0 ? 'not supported' : 'supported',
      route === undefined ? 'no provider' : route === 'unsupported' ? 'not supported' : 'supported',
    )
  }

  // Every map, in order: result and segments.
  const n = Math.max(obs.maps.length, pred.maps.length)
  for (let i = 0; i < n; i++) {
    const k = obs.maps[i]
    const p = pred.maps[i]
    const name = k?.tx ?? p?.tx ?? '?'
    differ(`map #${i + 1}`, k?.tx ?? 'not reached', p?.tx ?? 'not in the plan')
    if (k === undefined || p === undefined || k.tx !== p.tx) continue
    differ(`map of ${name}: result`, String(k.ret), String(p.ret))
    differ(`map of ${name}: segments`, `${k.segs.length}: ${segs(k.segs)}`, `${p.segs.length}: ${segs(p.segs)}`)
    if (k.ret === 0 && p.ret === 0) {
      const inPool = pool !== undefined && k.segs.some((x) => x.dma >= pool.base && x.dma < pool.base + pool.bytes)
      differ(`map of ${name}: bounced`, inPool ? 'yes' : 'no', pred.bounced.has(name) ? 'yes' : 'no')
    }
  }
  // Every HMM page fault and invalidation, with the mirror's segments after it.
  for (let i = 0; i < Math.max(obs.pages.length, pred.pages.length); i++) {
    const [k, p] = [obs.pages[i], pred.pages[i]]
    const page = (e: typeof k) => (e === undefined ? 'none' : `${e.op} ${e.tx} ${e.index}: ret ${e.ret}, ${e.segs.length}: ${segs(e.segs)}`)
    differ(`HMM page step #${i + 1}`, page(k), page(p))
  }
  differ('unmaps, in order', obs.unmaps.join(' ') || 'none', pred.unmaps.join(' ') || 'none')
  differ("the driver's result", String(obs.status?.ret ?? 'no status line'), String(pred.ret))

  // Every map and unmap call the kernel traced, and every IOVA API call its probes saw.
  const calls = Math.max(obs.trace.length, pred.trace.length)
  for (let i = 0; i < calls; i++) {
    const k = formatCall(obs.trace[i])
    const p = formatCall(pred.trace[i])
    if (k !== p) {
      out.push({ what: `DMA API call #${i + 1}`, kernel: k, simulator: p })
      break
    }
  }
  differ('DMA layer warnings', obs.messages.join(' | ') || 'none', pred.messages.join(' | ') || 'none')

  return { disagreements: out, problems: problemsOf(s, obs) }
}

function problemsOf(s: Scenario, obs: Observation): string[] {
  const problems = [...obs.problems]
  if (!obs.finished) problems.push('the module did not run to its end (timeout or crash)')
  if (obs.status === undefined) problems.push('no status line from the harness')
  else if (obs.status.errors > 0) problems.push(`the harness counted ${obs.status.errors} error(s)`)
  for (const a of obs.accesses) if (a.bad > 0) problems.push(`data check failed: ${a.line}`)
  if (s.fails !== undefined) {
    const { tx, message } = s.fails
    if (!obs.maps.some((m) => m.tx === tx && m.ret !== 0)) problems.push(`the scenario is there to make the map of ${tx} fail, and it did not`)
    if (message !== undefined && !obs.messages.some((m) => message.test(m))) problems.push(`the scenario expects the kernel to print ${message}, and it did not`)
  }
  return problems
}
