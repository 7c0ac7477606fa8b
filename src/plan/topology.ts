/**
 * What a region is for a device: the P2P map type from the PCI topology
 * (drivers/pci/p2pdma.c, docs/memory-kinds.md) and the memory kind that rules R2-R5
 * reason about. The type-level twin is src/dsl/types/kind.ts.
 */
import type { DeviceIR, Plan, PlatformIR, RegionIR } from './ir.js'
import type { MemoryKind, P2pUnreachable } from './rules/words.js'

export type P2pMapType = 'bus' | 'host-bridge' | 'unsupported'

export interface P2pDecision {
  readonly map: P2pMapType
  /** Set when map is 'unsupported'. */
  readonly why?: P2pUnreachable
  /** The route crossed an ACS-redirecting port (the kernel warns and suggests pci=disable_acs_redir). */
  readonly acsRedirect: boolean
}

/** The chain of switches from a device up to its root port. */
export function switchPath(platform: PlatformIR, at: string | undefined): string[] {
  const path: string[] = []
  for (let s = at; s !== undefined && !path.includes(s); ) {
    path.push(s)
    s = platform.pci.switches.find((x) => x.name === s)?.upstream
  }
  return path
}

/**
 * calc_map_type_and_dist(): a common upstream switch and no ACS redirect on
 * either path up to it gives a bus address; otherwise the request goes
 * through the root complex, which works only on an allowed host bridge.
 */
export function p2pDecision(platform: PlatformIR, provider: DeviceIR, client: DeviceIR): P2pDecision {
  if (platform.coco) return { map: 'unsupported', why: 'coco', acsRedirect: false }
  if (!provider.pci || !client.pci) return { map: 'unsupported', why: 'not-pci', acsRedirect: false }
  if (provider.name === client.name) return { map: 'bus', acsRedirect: false }
  const up = switchPath(platform, provider.at)
  const down = switchPath(platform, client.at)
  const common = up.find((s) => down.includes(s))
  const redirects = (path: string[]) =>
    path.slice(0, path.indexOf(common ?? '') + 1).some((s) => platform.pci.switches.find((x) => x.name === s)?.acsRedirect === true)
  const acsRedirect = common !== undefined && (redirects(up) || redirects(down))
  if (common !== undefined && !acsRedirect) return { map: 'bus', acsRedirect: false }
  if (platform.pci.hostBridgeP2P) return { map: 'host-bridge', acsRedirect }
  return { map: 'unsupported', why: acsRedirect ? 'acs-redirect' : 'no-common-switch', acsRedirect }
}

interface PlanIndex {
  readonly devices: ReadonlyMap<string, DeviceIR>
  readonly regions: ReadonlyMap<string, RegionIR>
}

/** A plan's devices and regions by name, made once per plan: a plan with many regions looks each one up in constant time. */
const INDEX = new WeakMap<Plan, PlanIndex>()

/** The index of a frozen plan (built or decoded); none for a plan still being assembled, which may change. */
function indexOf(plan: Plan): PlanIndex | undefined {
  if (!Object.isFrozen(plan)) return undefined
  let index = INDEX.get(plan)
  if (index === undefined) INDEX.set(plan, (index = { devices: new Map(plan.devices.map((d) => [d.name, d])), regions: new Map(plan.regions.map((r) => [r.name, r])) }))
  return index
}

export function deviceByName(plan: Plan, name: string): DeviceIR {
  const index = indexOf(plan)
  const d = index !== undefined ? index.devices.get(name) : plan.devices.find((x) => x.name === name)
  if (d === undefined) throw new Error(`device ${name} is not in the plan`)
  return d
}

export function regionByName(plan: Plan, name: string): RegionIR {
  const index = indexOf(plan)
  const r = index !== undefined ? index.regions.get(name) : plan.regions.find((x) => x.name === name)
  if (r === undefined) throw new Error(`region ${name} is not in the plan`)
  return r
}

export interface ResolvedKind {
  readonly kind: MemoryKind
  readonly p2p?: P2pDecision
}

/** The memory kind of a region for the device that maps it. */
export function resolveKind(plan: Plan, region: RegionIR, client: DeviceIR): ResolvedKind {
  if (region.memory === 'ram') return { kind: region.encrypted ? 'encrypted' : 'normal' }
  const p2p = p2pDecision(plan.platform, deviceByName(plan, region.provider ?? ''), client)
  return { kind: p2p.map === 'bus' ? 'p2p-bus' : p2p.map === 'host-bridge' ? 'p2p-host-bridge' : 'p2p-unsupported', p2p }
}

/**
 * Where a region starts and ends relative to the IOMMU granule. Without a
 * physical address the model places regions granule-aligned plus their
 * in-page offset, so the offset alone decides.
 */
export function granuleAlignment(region: RegionIR, granule: number): { head: boolean; tail: boolean } {
  const g = BigInt(granule)
  const start = region.phys ?? region.offset
  return { head: start % g === 0n, tail: (start + region.bytes) % g === 0n }
}
