/**
 * PCI peer-to-peer DMA (drivers/pci/p2pdma.c, K-P1 to K-P10): which pages are P2P
 * (inside a provider's BAR, K-P1), the map type per provider and client from
 * the topology (K-P2 to K-P4, reusing the plan's p2pDecision so the rules and the
 * simulator agree), the per-client cache (K-P2), the per-list state that is
 * recomputed when the provider changes (K-P10), and bus addresses (K-P5).
 */
import type { Plan } from '../../plan/ir.js'
import { p2pDecision } from '../../plan/topology.js'
import { PAGE_SIZE_N, U64_MAX } from '../consts.js'
import type { BarPlacement } from '../mem/layout.js'

export type P2pMapType = 'PCI_P2PDMA_MAP_NONE' | 'PCI_P2PDMA_MAP_NOT_SUPPORTED' | 'PCI_P2PDMA_MAP_BUS_ADDR' | 'PCI_P2PDMA_MAP_THRU_HOST_BRIDGE'

/** struct pci_p2pdma_map_state: zero-initialised once per list by the caller. */
export interface P2pState {
  provider: string | undefined
  map: P2pMapType | 'PCI_P2PDMA_MAP_UNKNOWN'
  busOffset: bigint
}

export const newP2pState = (): P2pState => ({ provider: undefined, map: 'PCI_P2PDMA_MAP_UNKNOWN', busOffset: 0n })

export class P2pDma {
  readonly #plan: Plan
  readonly #client: string
  readonly #bars: readonly BarPlacement[]
  /** Provider's xarray of map types per client (K-P2); one client in the model. */
  readonly #cache = new Map<string, P2pMapType>()
  /** Fault injection: every provider answers NOT_SUPPORTED. */
  unsupported = false
  /** calc_map_type_and_dist() runs (cache misses). */
  calcCalls = 0

  constructor(plan: Plan, client: string, bars: readonly BarPlacement[]) {
    this.#plan = plan
    this.#client = client
    this.#bars = bars
    this.#barPfns = bars.map((b) => [Number(b.bar / PAGE_SIZE_N), Number((b.bar + b.size + PAGE_SIZE_N - 1n) / PAGE_SIZE_N)])
  }

  /** is_pci_p2pdma_page(): the BAR a physical address belongs to. */
  barOf(phys: bigint): BarPlacement | undefined {
    return this.#bars.find((b) => phys >= b.bar && phys < b.bar + b.size)
  }

  /** The BAR whose bus-address window contains a DMA address (what a switch routes peer-to-peer). */
  barOfBusAddr(dma: bigint): BarPlacement | undefined {
    return this.#bars.find((b) => dma >= b.bar + b.busOffset && dma < b.bar + b.busOffset + b.size)
  }

  /** pci_p2pdma_map_type(provider, client), cached per client. */
  mapType(provider: string): P2pMapType {
    if (this.unsupported) return 'PCI_P2PDMA_MAP_NOT_SUPPORTED'
    let t = this.#cache.get(provider)
    if (t === undefined) {
      this.calcCalls++
      const prov = this.#plan.devices.find((d) => d.name === provider)
      const client = this.#plan.devices.find((d) => d.name === this.#client)
      if (prov === undefined || client === undefined || prov.p2pMemory === undefined) t = 'PCI_P2PDMA_MAP_NOT_SUPPORTED'
      else {
        const d = p2pDecision(this.#plan.platform, prov, client)
        t = d.map === 'bus' ? 'PCI_P2PDMA_MAP_BUS_ADDR' : d.map === 'host-bridge' ? 'PCI_P2PDMA_MAP_THRU_HOST_BRIDGE' : 'PCI_P2PDMA_MAP_NOT_SUPPORTED'
      }
      this.#cache.set(provider, t)
    }
    return t
  }

  /** Whether the route to the provider crossed an ACS-redirecting port (the kernel warns, K-P3). */
  acsRedirect(provider: string): boolean {
    const prov = this.#plan.devices.find((d) => d.name === provider)
    const client = this.#plan.devices.find((d) => d.name === this.#client)
    return prov !== undefined && client !== undefined && p2pDecision(this.#plan.platform, prov, client).acsRedirect
  }

  /** True when no BAR could contain a page frame (the common case, checked without bigint). */
  /** The first of frames [pfn, pfn + n) inside a BAR, as an offset from pfn, or -1. */
  firstBarIn(pfn: number, n: number): number {
    let first = -1
    for (const b of this.#barPfns) {
      if (b[1] <= pfn || b[0] >= pfn + n) continue
      const at = Math.max(b[0], pfn) - pfn
      if (first < 0 || at < first) first = at
    }
    return first
  }

  readonly #barPfns: [number, number][]

  /** pci_p2pdma_state(): NONE for ordinary pages, else the (cached) type of the page's provider (K-P10). */
  state(st: P2pState, phys: bigint): P2pMapType {
    const bar = this.barOf(phys)
    if (bar === undefined) return 'PCI_P2PDMA_MAP_NONE'
    if (st.provider !== bar.device) {
      st.provider = bar.device
      st.map = this.mapType(bar.device)
      st.busOffset = bar.busOffset
    }
    return st.map as P2pMapType
  }

  /** pci_p2pdma_bus_addr_map(): the PCI bus address of a P2P physical address (K-P5). */
  busAddr(st: P2pState, phys: bigint): bigint {
    return (phys + st.busOffset) & U64_MAX
  }
}
