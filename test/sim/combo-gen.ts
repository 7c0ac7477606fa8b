/**
 * One plan per platform combination for the acceptance property
 * (accepted-plans.test.ts): a kernel release, an IOMMU mode, a confidential
 * guest or not, a strategy and the memory kind of the transaction's
 * regions, with the rest (the device, the regions' sizes and offsets, the
 * direction, driver steps, the order of accesses) drawn from a seed. The
 * steps are a careful driver's: each ownership change is synced, so that
 * the plan itself never loses data. Nothing here asks the rules: the
 * test hands every plan to validatePlan() and simulates what it accepts.
 */
import type { MemoryKind } from '../../src/plan/memory-kind.js'
import type { IommuMode, Plan, Strategy } from '../../src/plan/ir.js'
import type { KernelVersion } from '../../src/plan/kernel.js'
import { resolveKind } from '../../src/plan/topology.js'
import { mkPlan } from './helpers.js'
import { Rng } from './plan-gen.js'

export interface Combo {
  readonly kernel: KernelVersion
  readonly iommu: IommuMode
  readonly coco: boolean
  readonly strategy: Strategy
  readonly kind: MemoryKind
}

type Json = Record<string, unknown>
const hex = (v: number | bigint): string => `0x${v.toString(16)}`

/** Where the provider of P2P memory sits for each P2P kind (K-P rules of docs/kernel-behaviour.md). */
function topology(kind: MemoryKind): { switches: Json[]; hostBridgeP2P: boolean; clientAt?: string; gpuAt?: string } {
  switch (kind) {
    case 'p2p-bus':
      return { switches: [{ name: 'sw0', acsRedirect: false }], hostBridgeP2P: false, clientAt: 'sw0', gpuAt: 'sw0' }
    case 'p2p-host-bridge':
      return { switches: [], hostBridgeP2P: true }
    case 'p2p-unsupported':
      return { switches: [], hostBridgeP2P: false }
    default:
      return { switches: [], hostBridgeP2P: false }
  }
}

/** The plan of a combination, or why none can be written (a kind the platform cannot have). */
export function comboPlan(c: Combo, seed: number, more: { readonly granule?: 4096 | 16384 | 65536 } = {}): { plan: Plan } | { impossible: string } {
  const d = new Rng(seed)
  const p2p = c.kind.startsWith('p2p')
  const topo = topology(c.kind)
  const device: Json = {
    dmaMask: d.pick([32, 36, 40, 64, 64]),
    coherent: d.chance(0.75),
    trusted: d.chance(0.85),
    maxSegmentSize: d.pick([0x10000, 0x10000, 0x4000]),
    minAlignMask: d.pick([0, 0, 0xfff]),
    ...(topo.clientAt !== undefined ? { at: topo.clientAt } : {}),
  }
  const gpu: Json[] = p2p ? [{ name: 'gpu', ...(topo.gpuAt !== undefined ? { at: topo.gpuAt } : {}), p2pMemory: { bytes: '0x1000000' } }] : []
  const regions: Json[] = []
  for (let i = d.int(1, 3); i > 0; i--) {
    const name = `r${regions.length}`
    if (p2p) regions.push({ name, memory: 'p2p', provider: 'gpu', bytes: hex(d.int(1, 3) * 4096) })
    else {
      const whole = d.chance(0.5)
      const offset = whole ? 0 : d.pick([0x40, 0x200, 0x800])
      regions.push({ name, memory: 'ram', offset: hex(offset), bytes: hex(whole ? d.int(1, 4) * 4096 : d.int(0x100, 0x2000)), encrypted: c.kind === 'encrypted' })
    }
  }
  const names = regions.map((r) => r.name as string)
  const dir = d.pick(['to-device', 'from-device', 'bidirectional'] as const)
  const populate = c.strategy !== 'hmm' || d.chance(0.5)
  const steps: Json[] = []
  // Driver steps a probe makes before it maps anything, and the segment limits it may change later.
  if (d.chance(0.3)) steps.push({ op: 'set-dma-mask', bits: d.pick([32, 40, 64]) })
  if (d.chance(0.2)) steps.push({ op: 'set-max-segment-size', bytes: d.pick([0x1000, 0x8000, 0x10000]) })
  if (d.chance(0.2)) steps.push({ op: 'set-segment-boundary', mask: d.pick(['0xffff', '0xffffffff']) })
  if (d.chance(0.2)) steps.push({ op: 'set-min-align-mask', mask: d.pick([0, 0xfff]) })
  const toDevice = dir !== 'from-device'
  const fromDevice = dir !== 'to-device'
  // The CPU fills what the device will read before the map (the map hands it to the device).
  if (toDevice && !p2p) for (const r of names) steps.push({ op: 'cpu-write', region: r })
  steps.push({ op: 'map', tx: 't', strategy: c.strategy, dir, regions: names, populate })
  if (!populate) {
    const pages = regions.reduce((n, r) => n + Math.ceil((Number(r.offset ?? 0) + Number(r.bytes)) / 4096), 0)
    for (let i = 0; i < pages; i++) steps.push({ op: 'hmm-fault', tx: 't', index: i })
  }
  if (d.chance(0.3)) steps.push({ op: 'set-max-segment-size', bytes: 0x2000 })
  for (const r of names) {
    if (toDevice) steps.push({ op: 'device-read', tx: 't', region: r })
    if (fromDevice) steps.push({ op: 'device-write', tx: 't', region: r })
  }
  if (fromDevice && d.chance(0.5)) {
    steps.push({ op: 'sync-for-cpu', tx: 't' })
    for (const r of names) steps.push({ op: 'cpu-read', region: r })
  }
  if (d.chance(0.3)) steps.push({ op: 'wait', ms: d.pick([1, 10]) })
  steps.push({ op: 'unmap', tx: 't' })
  if (fromDevice) for (const r of names) steps.push({ op: 'cpu-read', region: r })
  if (c.kind === 'encrypted' && !c.coco) return { impossible: 'only a confidential guest has encrypted memory' }
  const plan = mkPlan({
    kernel: c.kernel,
    iommu: c.iommu,
    ...(more.granule !== undefined ? { granule: more.granule } : {}),
    flush: d.pick(['strict', 'lazy'] as const),
    coco: c.coco,
    ramBytes: d.pick(['0x40000000', '0x200000000']),
    switches: topo.switches,
    hostBridgeP2P: topo.hostBridgeP2P,
    device,
    devices: gpu,
    regions,
    steps,
  })
  const client = plan.devices[0]
  const kinds = plan.regions.map((r) => (client === undefined ? undefined : resolveKind(plan, r, client).kind))
  if (kinds.some((k) => k !== c.kind)) return { impossible: `${c.kind} memory resolves to ${kinds.find((k) => k !== c.kind)} here` }
  return { plan }
}
