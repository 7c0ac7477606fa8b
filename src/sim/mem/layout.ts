/**
 * Where everything sits in physical memory, decided once per simulation and
 * deterministically.
 *
 * - RAM as QEMU q35 lays it out: up to 2.75 GiB below 4 GiB (2 GiB once RAM
 *   reaches 2.75 GiB), the rest from 4 GiB up; the first MiB is firmware's.
 * - The swiotlb pool exists where x86 creates it: RAM above 4 GiB,
 *   swiotlb=force, a confidential guest, or (arm64-style) a non-coherent
 *   device whose small buffers may bounce (K-R11). It sits at the plan's base
 *   or, like memblock_alloc_low(), at the top of RAM below 4 GiB.
 * - BARs of P2P providers at the plan's address or in a 64-bit MMIO window
 *   from 0x38000000000, naturally aligned; P2P regions inside their BAR.
 * - Regions at the plan's phys, or top-down from the top of RAM, each on a
 *   granule boundary plus its in-page offset. Memory a coherent allocation
 *   returns on dma-direct must satisfy the device's coherent mask (the
 *   kernel retries in ZONE_DMA32), so those regions are placed under it.
 */
import { alignDown, alignUp, hex, min, roundupPowOfTwo } from '../addr.js'
import { FOUR_GIB, IO_TLB_SEGSIZE, IO_TLB_SIZE, PAGE_SIZE_N, PCI_MMIO64_BASE, Q35_LOWMEM_BIG, Q35_LOWMEM_SPLIT } from '../consts.js'
import type { Plan, RegionIR } from '../../plan/ir.js'
import type { PhysRange } from './phys-mem.js'
import { SimError } from '../sim-error.js'
import { partitionPoint } from '../partition-point.js'

export interface SwiotlbPlacement {
  readonly base: bigint
  readonly nslabs: number
}

export interface BarPlacement {
  readonly device: string
  readonly bar: bigint
  readonly size: bigint
  readonly busOffset: bigint
}

export interface RegionPlacement {
  readonly name: string
  /** Physical address of the region's first byte. */
  readonly phys: bigint
  /** Whether the model chose the address (false: the plan gave it). */
  readonly chosen: boolean
}

export interface Layout {
  readonly ram: readonly PhysRange[]
  readonly swiotlb: SwiotlbPlacement | undefined
  readonly bars: readonly BarPlacement[]
  readonly regions: ReadonlyMap<string, RegionPlacement>
}

export interface LayoutNeeds {
  /** The swiotlb pool is created (see swiotlbExists). */
  readonly swiotlb: boolean
  /** Regions a coherent allocation provides, and the highest address the device can reach. */
  readonly coherentLimit: ReadonlyMap<string, bigint>
  /** Allocation granularity for regions the model places (the IOMMU granule, at least a page). */
  readonly granule: bigint
}

export function ramRanges(ramBytes: bigint): PhysRange[] {
  const lowmem = ramBytes >= Q35_LOWMEM_SPLIT ? Q35_LOWMEM_BIG : Q35_LOWMEM_SPLIT
  const below = min(ramBytes, lowmem)
  const out: PhysRange[] = [{ start: 0n, end: below }]
  if (ramBytes > below) out.push({ start: FOUR_GIB, end: FOUR_GIB + (ramBytes - below) })
  return out
}

/** swiotlb_init(): slabs are whole segments and, with one area, a power of two (round_up_default_nslabs). */
export function swiotlbSlabs(bytes: bigint): number {
  const slabs = Number(alignUp(alignUp(bytes, BigInt(IO_TLB_SIZE)) / BigInt(IO_TLB_SIZE), BigInt(IO_TLB_SEGSIZE)))
  return Math.max(IO_TLB_SEGSIZE, roundupPowOfTwo(slabs))
}

/**
 * Physical memory taken so far, as disjoint ranges sorted by address (touching
 * ranges merge: regions placed top-down one below the other stay one entry),
 * so that a placement looks at the ranges around it, not at every region
 * placed before it.
 */
class Occupancy {
  readonly #used: PhysRange[] = []
  add(r: PhysRange): void {
    if (r.end <= r.start) return
    // The first range that ends at or after r.start, and the first that starts after r.end: everything between merges.
    const lo = partitionPoint(this.#used, (u) => u.end < r.start)
    let hi = lo
    let start = r.start
    let end = r.end
    while (hi < this.#used.length && (this.#used[hi] as PhysRange).start <= end) {
      const u = this.#used[hi] as PhysRange
      if (u.start < start) start = u.start
      if (u.end > end) end = u.end
      hi++
    }
    this.#used.splice(lo, hi - lo, { start, end })
  }
  /** A used range that overlaps [start, end): the highest one, found by binary search. */
  overlaps(start: bigint, end: bigint): PhysRange | undefined {
    // The last range starting below end.
    const u = this.#used[partitionPoint(this.#used, (x) => x.start < end) - 1]
    return u !== undefined && start < u.end ? u : undefined
  }
  /**
   * Highest aligned [a, a + size) inside one of `free` (highest first) below `limit` not
   * overlapping anything used. A window that clashes moves below the clash:
   * no free window above the clash's start can hold it (the clash overlaps
   * every aligned window between).
   */
  topDown(free: readonly PhysRange[], size: bigint, align: bigint, limit: bigint): bigint | undefined {
    for (const r of free) {
      let end = min(r.end, limit)
      while (end - r.start >= size) {
        const a = alignDown(end - size, align)
        if (a < r.start) break
        const clash = this.overlaps(a, a + size)
        if (clash === undefined) return a
        end = clash.start
      }
    }
    return undefined
  }
}

export function computeLayout(plan: Plan, needs: LayoutNeeds): Layout {
  const ram = ramRanges(plan.platform.ramBytes)
  // Sorted once: topDown() is asked once per region placed.
  const ramDown = [...ram].sort((a, b) => (a.start < b.start ? 1 : -1))
  const occ = new Occupancy()
  occ.add({ start: 0n, end: 1n << 20n })
  const g = needs.granule

  // Regions the plan placed itself come first: everything else avoids them.
  for (const r of plan.regions) if (r.phys !== undefined) occ.add({ start: alignDown(r.phys, PAGE_SIZE_N), end: alignUp(r.phys + r.bytes, PAGE_SIZE_N) })

  let swiotlb: SwiotlbPlacement | undefined
  if (needs.swiotlb) {
    const nslabs = swiotlbSlabs(plan.platform.swiotlb.bytes)
    const size = BigInt(nslabs) * BigInt(IO_TLB_SIZE)
    const base = plan.platform.swiotlb.base ?? occ.topDown(ramDown, size, PAGE_SIZE_N, FOUR_GIB)
    if (base === undefined) throw new SimError(`the ${hex(size)}-byte swiotlb pool does not fit in RAM below 4 GiB`)
    occ.add({ start: base, end: base + size })
    swiotlb = { base, nslabs }
  }

  const bars: BarPlacement[] = []
  let window = PCI_MMIO64_BASE
  for (const d of plan.devices) {
    const m = d.p2pMemory
    if (m === undefined) continue
    const size = BigInt(roundupPowOfTwo(Number(m.bytes)))
    const bar = m.bar ?? alignUp(window, size)
    if (m.bar === undefined) window = bar + size
    bars.push({ device: d.name, bar, size: m.bytes, busOffset: m.busOffset })
  }

  const regions = new Map<string, RegionPlacement>()
  const barCursor = new Map<string, bigint>(bars.map((b) => [b.device, b.bar]))
  for (const r of plan.regions) {
    if (r.phys !== undefined) {
      checkGiven(r, ram, bars)
      regions.set(r.name, { name: r.name, phys: r.phys, chosen: false })
      continue
    }
    const span = alignUp(r.offset + r.bytes, g)
    if (r.memory === 'p2p') {
      const bar = bars.find((b) => b.device === r.provider)
      const cursor = barCursor.get(r.provider ?? '')
      if (bar === undefined || cursor === undefined) throw new SimError(`P2P region ${r.name} has no provider BAR`)
      const base = alignUp(cursor, g)
      if (base + span > bar.bar + bar.size) throw new SimError(`P2P region ${r.name} does not fit in the ${hex(bar.size)}-byte BAR of ${bar.device}`)
      barCursor.set(bar.device, base + span)
      regions.set(r.name, { name: r.name, phys: base + r.offset, chosen: true })
      continue
    }
    const limit = needs.coherentLimit.get(r.name) ?? 1n << 64n
    const base = occ.topDown(ramDown, span, g, limit === 1n << 64n ? limit : limit + 1n)
    if (base === undefined)
      throw new SimError(
        `region ${r.name} (${hex(r.bytes)} bytes) does not fit in the platform's ${hex(plan.platform.ramBytes)} bytes of RAM${limit < 1n << 64n ? ` below ${hex(limit + 1n)}` : ''}`,
      )
    occ.add({ start: base, end: base + span })
    regions.set(r.name, { name: r.name, phys: base + r.offset, chosen: true })
  }
  return { ram, swiotlb, bars, regions }
}

function checkGiven(r: RegionIR, ram: readonly PhysRange[], bars: readonly BarPlacement[]): void {
  const phys = r.phys ?? 0n
  const end = phys + r.bytes
  if (r.memory === 'ram') {
    if (!ram.some((x) => phys >= x.start && end <= x.end)) throw new SimError(`region ${r.name} at ${hex(phys)}..${hex(end)} is not inside the platform's RAM`)
  } else {
    const bar = bars.find((b) => b.device === r.provider)
    if (bar === undefined || phys < bar.bar || end > bar.bar + bar.size)
      throw new SimError(`P2P region ${r.name} at ${hex(phys)}..${hex(end)} is not inside the BAR of ${r.provider ?? '?'}`)
  }
}
