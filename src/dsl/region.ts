/**
 * Memory regions. A region's type carries its name, what it is and how it
 * sits on the IOMMU granule, written so that a diagnostic reads like a
 * sentence: Region<"vram", "p2p:gpu0@sw0", "aligned">. The same two facts
 * are computed at run time (alignmentOf), so both worlds see one region.
 */
import type { DeviceIR, RegionIR } from '../plan/ir.js'
import type { Alignment } from './types/arith.js'

/**
 * What the memory is before it meets a device: 'ram' (host memory),
 * 'encrypted' (private memory of a confidential guest), or
 * `p2p:${provider}@${switch}` (a peer's BAR below a switch, or @root-port).
 * Which P2P kind that is depends on the device that maps it.
 */
export type RegionSource = 'ram' | 'encrypted' | `p2p:${string}@${string}`

export interface Region<N extends string = string, K extends RegionSource = RegionSource, A extends Alignment = Alignment> {
  readonly name: N
  readonly source: K
  /** How the region sits on the IOMMU granule, as far as its literal sizes tell. */
  readonly alignment: A
  /** The region as the plan IR records it. */
  readonly ir: RegionIR
  /** The device whose BAR holds the memory, for P2P regions. */
  readonly provider?: DeviceIR
}

export type AnyRegion = Region<string, RegionSource, Alignment>

export function makeRegion<N extends string, K extends RegionSource, A extends Alignment>(
  ir: RegionIR,
  source: K,
  granule: number,
  provider?: DeviceIR,
): Region<N, K, A> {
  return Object.freeze({ name: ir.name as N, source, alignment: alignmentOf(ir, granule) as A, ir, ...(provider ? { provider } : {}) })
}

/**
 * The run-time twin of SpecAlignment: regions without a physical address are
 * placed granule-aligned plus their in-page offset.
 */
export function alignmentOf(ir: RegionIR, granule: number): Alignment {
  const g = BigInt(granule)
  const start = ir.phys ?? ir.offset
  const startsOn = start % g === 0n
  const endsOn = (start + ir.bytes) % g === 0n
  return startsOn ? (endsOn ? 'aligned' : 'ends-off') : endsOn ? 'starts-off' : 'starts-off ends-off'
}
