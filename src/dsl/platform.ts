/**
 * platform(): the entry point of the DSL. Its literal spec becomes the type
 * that every device, region and plan of the platform carries.
 *
 * @example
 * const host = platform({ kernel: '7.0', iommu: { mode: 'translated', flush: 'strict' } })
 * const nic = host.device('mlx5_0', { dmaMask: 64 })
 * const buf = host.ram('buf', { pages: 16 })
 * export default host.plan(nic)
 *   .transaction('rx', { strategy: 'iova', dir: 'from-device' }, [buf])
 *   .deviceWrites('rx', buf)
 *   .unmap('rx')
 *   .cpuReads(buf)
 *   .build()
 */
import type { DeviceIR, PlatformIR, RegionIR } from '../plan/ir.js'
import { DEFAULT_KERNEL } from '../plan/kernel.js'
import { PAGE_SIZE_N } from '../plan/kernel-consts.js'
import { toU64 } from '../plan/u64.js'
import { startPlan } from './builder.js'
import { PlanShapeError } from './errors.js'
import type { PlanBuilder } from './builder.js'
import { makeRegion } from './region.js'
import type { Region } from './region.js'
import type { DeviceSpec, IommuSpec, PlatformSpec, RamSpec, RangeSpec } from './spec.js'
import type { SpecAlignment } from './types/arith.js'
import type { DeviceFacts, PlatformFacts, SwitchNames, ToCtx, ToDeviceFacts, ToPlatformFacts } from './types/context.js'
import { checkIdentifier } from '../plan/names.js'
import type { CheckIdentifier, NameKind } from '../plan/names.js'
import { callSite } from './source.js'
import type { Fn } from './source.js'

/**
 * RAM is private memory on a confidential guest unless the guest shared it.
 * A flag the compiler cannot see counts as shared (host memory); the run-time
 * check decides.
 */
type RamSource<S, F extends PlatformFacts> = [F['coco']] extends [true]
  ? S extends { readonly shared: infer X }
    ? [X] extends [false | undefined]
      ? 'encrypted'
      : 'ram'
    : 'encrypted'
  : 'ram'
type P2pSource<N extends string, At extends string> = `p2p:${N}@${At extends '' ? 'root-port' : At}`

export interface Device<N extends string = string, D extends DeviceFacts = DeviceFacts, F extends PlatformFacts = PlatformFacts> {
  readonly name: N
  readonly ir: DeviceIR
  /** @internal phantom: what the rules need to know of the device */
  readonly __facts?: D
  /** @internal phantom: the platform the device belongs to */
  readonly __platform?: F
  /**
   * A region of this device's P2P memory (it must declare p2pMemory). Which
   * kind it is depends on the device that maps it: bus address below a common
   * switch, through the host bridge where allowed, unreachable otherwise.
   */
  p2p<const RN extends string, const S extends RangeSpec>(name: CheckIdentifier<'region', RN>, spec: S): Region<RN, P2pSource<N, D['at']>, SpecAlignment<S, F['granule']>>
}

// biome-ignore lint: any device of any platform
export type AnyDevice = Device<string, DeviceFacts, any>

export interface Platform<F extends PlatformFacts = PlatformFacts> {
  readonly ir: PlatformIR
  /** A device on this platform. Omitted properties take the kernel's defaults. */
  device<const N extends string, const S extends DeviceSpec<SwitchNames<F['switches']>> = {}>(name: CheckIdentifier<'device', N>, spec?: S): Device<N, ToDeviceFacts<S>, F>
  /** A region of RAM: whole pages, or bytes at an offset within a page. */
  ram<const N extends string, const S extends RamSpec>(name: CheckIdentifier<'region', N>, spec: S): Region<N, RamSource<S, F>, SpecAlignment<S, F['granule']>>
  /** Start a plan of the transactions `device` performs. */
  plan<const N extends string, D extends DeviceFacts, const PN extends string = string>(
    device: Device<N, D, F>,
    options?: { readonly name?: CheckIdentifier<'plan', PN> },
  ): PlanBuilder<ToCtx<F, N, D>>
}

export function platform<const P extends PlatformSpec>(spec: P): Platform<ToPlatformFacts<P>> {
  const ir = platformIR(spec)
  const owned = new WeakSet<object>()
  const self: Platform<ToPlatformFacts<P>> = {
    ir,
    device(name, deviceSpec) {
      named('device', name, self.device)
      const spec: DeviceSpec = deviceSpec ?? {}
      if (spec.pci === false && spec.p2pMemory !== undefined) throw new PlanShapeError([`device ${name} is not a PCI device, so it provides no P2P memory (P2P memory is a PCI BAR)`])
      const device = makeDevice(name, deviceIR(name, spec), ir.iommu.granule, owned)
      owned.add(device)
      return device as never
    },
    ram(name, ramSpec) {
      named('region', name, self.ram)
      const shared = ramSpec.shared === true
      const encrypted = ir.coco && !shared
      const region = makeRegion(regionIR(name, 'ram', ramSpec, encrypted), encrypted ? 'encrypted' : 'ram', ir.iommu.granule)
      owned.add(region)
      return region as never
    },
    plan(device, options) {
      if (!owned.has(device)) throw new Error(`device ${device.name} belongs to another platform; create it with this platform's device()`)
      if (options?.name !== undefined) named('plan', options.name, self.plan)
      return startPlan({ name: options?.name ?? device.name, platform: ir, device: device.ir, owns: (r) => owned.has(r) }) as never
    },
  }
  return Object.freeze(self)
}

/** A name must be a C identifier (names.ts): else the sentence, at the call that gave it. */
function named(kind: NameKind, name: unknown, method: Fn): void {
  const wrong = checkIdentifier(kind, name)
  if (wrong !== undefined) throw new PlanShapeError([wrong], callSite(method).at)
}

function makeDevice(name: string, ir: DeviceIR, granule: number, owned: WeakSet<object>): Device {
  const device: Device = {
    name,
    ir,
    p2p(regionName, spec) {
      named('region', regionName, device.p2p)
      if (ir.p2pMemory === undefined) throw new Error(`device ${name} provides no P2P memory; declare p2pMemory: { bytes } in its spec`)
      const region = makeRegion(regionIR(regionName, 'p2p', spec, false, name), `p2p:${name}@${ir.at ?? 'root-port'}`, granule, ir)
      owned.add(region)
      return region as never
    },
  }
  return Object.freeze(device)
}

function platformIR(spec: PlatformSpec): PlatformIR {
  const iommu: IommuSpec = spec.iommu ?? { mode: 'translated' }
  return {
    kernel: spec.kernel ?? DEFAULT_KERNEL,
    iommu: {
      mode: iommu.mode,
      granule: iommu.mode === 'translated' ? (iommu.granule ?? 4096) : 4096,
      flush: iommu.mode === 'translated' ? (iommu.flush ?? 'lazy') : 'strict',
      addressWidth: iommu.mode === 'translated' ? (iommu.addressWidth ?? 48) : 48,
    },
    coco: spec.coco === true,
    pci: {
      switches: Object.entries(spec.pci?.switches ?? {}).map(([name, s]) => ({
        name,
        acsRedirect: s.acsRedirect === true,
        ...(s.upstream !== undefined ? { upstream: s.upstream } : {}),
      })),
      hostBridgeP2P: spec.pci?.hostBridgeP2P === true,
    },
    swiotlb: {
      bytes: toU64(spec.swiotlb?.bytes ?? 64 << 20, 'swiotlb.bytes'),
      force: spec.swiotlb?.force === true,
      ...(spec.swiotlb?.base !== undefined ? { base: toU64(spec.swiotlb.base, 'swiotlb.base') } : {}),
    },
    ramBytes: toU64(spec.ramBytes ?? 8 * 2 ** 30, 'ramBytes'),
  }
}

function deviceIR(name: string, spec: DeviceSpec): DeviceIR {
  const pci = spec.pci !== false
  return {
    name,
    ...(spec.at !== undefined ? { at: spec.at } : {}),
    pci,
    dmaMask: spec.dmaMask ?? 32,
    coherent: spec.coherent !== false,
    trusted: spec.trusted !== false,
    maxSegmentSize: spec.maxSegmentSize ?? 65536,
    segmentBoundary: toU64(spec.segmentBoundary ?? (pci ? 0xffffffff : 2n ** 64n - 1n), `${name}.segmentBoundary`),
    minAlignMask: spec.minAlignMask ?? 0,
    ...(spec.p2pMemory !== undefined
      ? {
          p2pMemory: {
            bytes: toU64(spec.p2pMemory.bytes, `${name}.p2pMemory.bytes`),
            ...(spec.p2pMemory.bar !== undefined ? { bar: toU64(spec.p2pMemory.bar, `${name}.p2pMemory.bar`) } : {}),
            busOffset: toU64(spec.p2pMemory.busOffset ?? 0, `${name}.p2pMemory.busOffset`),
          },
        }
      : {}),
  }
}

function regionIR(name: string, memory: RegionIR['memory'], spec: RangeSpec, encrypted: boolean, provider?: string): RegionIR {
  const phys = spec.phys !== undefined ? toU64(spec.phys, `${name}.phys`) : undefined
  const offset = 'pages' in spec ? 0n : BigInt(spec.offset ?? Number((phys ?? 0n) % PAGE_SIZE_N))
  const bytes = 'pages' in spec ? BigInt(spec.pages) * PAGE_SIZE_N : toU64(spec.bytes, `${name}.bytes`)
  return {
    name,
    memory,
    ...(provider !== undefined ? { provider } : {}),
    encrypted,
    offset,
    bytes,
    ...(phys !== undefined ? { phys } : {}),
  }
}
