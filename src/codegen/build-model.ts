/**
 * From a valid plan to the model the back ends render: buffers with their
 * allocation, transactions cut into slices by their strategy, steps resolved
 * into actions that know what to unwind when they fail.
 */
import type { DeviceIR, MapStep, Plan, RegionIR } from '../plan/ir.js'
import { PAGE_SIZE_N as PAGE } from '../plan/kernel-consts.js'
import { pagesOf } from '../plan/schema.js'
import { deviceBySteps } from '../plan/driver-steps.js'
import { deviceByName, resolveKind } from '../plan/topology.js'
import { unreachable } from '../plan/unreachable.js'
import { kernelShape } from './kernel-shape.js'
import type { Action, BufAlloc, BufModel, CodegenModel, SliceModel, TxModel } from './model.js'
import { PARTS } from './parts/index.js'
import { STRATEGIES } from './strategies/index.js'
import type { StrategyContext } from './strategies/index.js'
import { descriptor } from '../strategies/index.js'

export function buildModel(plan: Plan): CodegenModel {
  const kernel = kernelShape(plan.platform.kernel)
  const device = deviceByName(plan, plan.device)
  const maps = plan.steps.filter((s): s is MapStep => s.op === 'map')
  // A coherent transaction's regions come from dma_alloc_coherent(); no other transaction maps them (rule R11).
  const coherent = new Set(maps.filter((m) => descriptor(m.strategy).allocates).flatMap((m) => m.regions))

  const used = new Set<string>()
  for (const s of plan.steps) {
    if (s.op === 'map') for (const r of s.regions) used.add(r)
    else if ('region' in s && s.region !== undefined) used.add(s.region)
  }
  const bufs = plan.regions.filter((r) => used.has(r.name)).map((r) => bufModel(plan, r, device, coherent.has(r.name)))
  const bufByName = new Map(bufs.map((b) => [b.name, b]))
  const buf = (name: string): BufModel => {
    const b = bufByName.get(name)
    if (b === undefined) throw new Error(`region ${name} is not in the plan`)
    return b
  }
  const peers: DeviceIR[] = []
  for (const b of bufs)
    if (b.peer !== undefined && !peers.some((p) => p.name === b.peer)) peers.push(deviceByName(plan, b.peer))

  // A transaction is sized for the device as the driver steps before it left it (its segment limits, its swiotlb alignment).
  const setUp = deviceBySteps(plan, device)
  const txs = new Map<string, TxModel>()
  plan.steps.forEach((m, i) => {
    if (m.op !== 'map') return
    const ctx: StrategyContext = { platform: plan.platform, kernel, device: setUp[i] ?? device, tx: m.tx, dir: m.dir, attrs: [...m.attrs] }
    txs.set(m.tx, txModel(m, m.regions.map(buf), ctx))
  })

  const { actions, kept } = resolveSteps(plan, txs, buf)
  return { plan, platform: plan.platform, kernel, device, bufs, peers, txs: [...txs.values()], actions, kept }
}

function bufModel(plan: Plan, region: RegionIR, device: DeviceIR, coherent: boolean): BufModel {
  const kind = resolveKind(plan, region, device).kind
  const alloc: BufAlloc = coherent ? 'coherent' : region.memory === 'p2p' ? 'p2p' : plan.platform.coco && !region.encrypted ? 'shared' : 'ram'
  return {
    name: region.name,
    region,
    kind,
    alloc,
    ...(region.memory === 'p2p' && region.provider !== undefined ? { peer: region.provider } : {}),
    offset: region.offset,
    bytes: region.bytes,
    pages: pagesOf(region),
  }
}

function txModel(step: MapStep, bufs: readonly BufModel[], ctx: StrategyContext): TxModel {
  const specs = STRATEGIES[step.strategy].slices(bufs, ctx)
  const slices: SliceModel[] = specs.map((spec, i) => {
    const part = PARTS[spec.part]
    const first = bufs[spec.first]
    if (first === undefined || spec.count < 1) throw new Error(`strategy ${step.strategy} made an empty slice`)
    const members = bufs.slice(spec.first, spec.first + spec.count)
    return {
      part,
      field: specs.length === 1 ? part.field : `${part.field}${i}`,
      first: spec.first,
      count: spec.count,
      kind: first.kind,
      attrs: spec.attrs,
      segs: part.segs(members, ctx.device),
      useIova: spec.useIova === true,
    }
  })
  // The DMA view: buffers one after another; HMM's is page by page.
  const base: bigint[] = []
  let at = 0n
  for (const b of bufs) {
    if (descriptor(step.strategy).perPage) {
      base.push(at + b.offset)
      at += BigInt(b.pages) * PAGE
    } else {
      base.push(at)
      at += b.bytes
    }
  }
  return {
    name: step.tx,
    strategy: step.strategy,
    dir: step.dir,
    attrs: step.attrs,
    bufs,
    slices,
    segs: slices.reduce((n, s) => n + s.segs, 0),
    populate: step.populate,
    base,
  }
}

function resolveSteps(plan: Plan, txs: ReadonlyMap<string, TxModel>, buf: (name: string) => BufModel): { actions: Action[]; kept: TxModel[] } {
  const live: TxModel[] = []
  const keptNames = new Set<string>()
  const actions: Action[] = []
  const tx = (name: string): TxModel => {
    const t = txs.get(name)
    if (t === undefined) throw new Error(`transaction ${name} is not mapped`)
    return t
  }
  for (const s of plan.steps) {
    switch (s.op) {
      case 'map': {
        const t = tx(s.tx)
        actions.push({ op: 'map', tx: t, cleanup: [...live].reverse() })
        live.push(t)
        break
      }
      case 'device-read':
      case 'device-write': {
        const t = tx(s.tx)
        const index = t.bufs.findIndex((b) => b.name === s.region)
        const b = t.bufs[index]
        if (b === undefined) throw new Error(`region ${s.region} is not in transaction ${s.tx}`)
        actions.push({ op: 'device', tx: t, buf: b, offset: (t.base[index] ?? 0n) + s.offset, bytes: s.bytes, write: s.op === 'device-write' })
        break
      }
      case 'cpu-read':
      case 'cpu-write':
        actions.push({ op: 'cpu', buf: buf(s.region), offset: s.offset, bytes: s.bytes, write: s.op === 'cpu-write' })
        break
      case 'sync-for-cpu':
      case 'sync-for-device': {
        const t = tx(s.tx)
        const to = s.op === 'sync-for-cpu' ? 'cpu' : 'device'
        if (s.region === undefined) {
          actions.push({ op: 'sync', tx: t, to, first: 0, count: t.bufs.length })
        } else {
          const index = t.bufs.findIndex((b) => b.name === s.region)
          const b = t.bufs[index]
          if (b === undefined) throw new Error(`region ${s.region} is not in transaction ${s.tx}`)
          actions.push({ op: 'sync', tx: t, to, first: index, count: 1, buf: b })
        }
        break
      }
      case 'hmm-fault':
        actions.push({ op: 'fault', tx: tx(s.tx), index: s.index, cleanup: [...live].reverse() })
        break
      case 'hmm-invalidate':
        actions.push({ op: 'invalidate', tx: tx(s.tx), index: s.index })
        break
      case 'unlink': {
        const t = tx(s.tx)
        const index = t.bufs.findIndex((b) => b.name === s.region)
        const b = t.bufs[index]
        if (b === undefined) throw new Error(`region ${s.region} is not in transaction ${s.tx}`)
        actions.push({ op: 'unlink', tx: t, index, buf: b })
        break
      }
      case 'unmap': {
        const t = tx(s.tx)
        live.splice(live.indexOf(t), 1)
        actions.push({ op: 'unmap', tx: t })
        break
      }
      case 'keep':
        keptNames.add(s.tx)
        actions.push({ op: 'keep', tx: tx(s.tx) })
        break
      case 'wait':
        actions.push({ op: 'wait', ms: s.ms })
        break
      case 'set-dma-mask':
      case 'set-segment-boundary':
      case 'set-max-segment-size':
      case 'set-min-align-mask':
        actions.push({ op: 'dma-set', step: s, cleanup: [...live].reverse() })
        break
      default:
        unreachable(s)
    }
  }
  return { actions, kept: [...live].reverse().filter((t) => keptNames.has(t.name)) }
}
