/**
 * What the run-time walker (validate.ts) knows when it asks a rule: a region
 * of a map step with its resolved memory kind, or a transaction with the
 * state the builder types carry. The rule files read these; only the walker
 * writes them.
 */
import type { DeviceIR, MapStep, Plan, RegionIR } from '../ir.js'
import type { RegionVerdict } from './verdicts.js'
import type { MemoryKind, SyncReason } from './words.js'

/** Region `index` of a map step, with every region's memory kind as the client device sees it. */
export interface MappedRegion {
  readonly plan: Plan
  readonly client: DeviceIR
  readonly step: MapStep
  readonly regions: readonly RegionIR[]
  readonly kinds: readonly MemoryKind[]
  readonly index: number
  readonly region: RegionIR
  readonly kind: MemoryKind
  /** The cell of KIND_VERDICTS for the step's strategy and this region's kind. */
  readonly verdict: RegionVerdict
  /** The transactions mapped before this step that map this region, in the order they were mapped. */
  readonly earlier: readonly TxState[]
}

/** Region names; the Set is made on the first add, as most transactions never dirty or unlink one. */
export class RegionSet {
  #set: Set<string> | undefined

  has(region: string): boolean {
    return this.#set?.has(region) ?? false
  }

  add(region: string): void {
    ;(this.#set ??= new Set()).add(region)
  }

  delete(region: string): void {
    this.#set?.delete(region)
  }

  clear(): void {
    this.#set = undefined
  }
}

/** A mapped transaction as the walk has seen it so far. */
export interface TxState {
  readonly map: MapStep
  readonly step: number
  live: boolean
  kept: boolean
  readonly sync: SyncReason | undefined
  /** Regions the device wrote that the CPU has not been handed back yet. */
  readonly deviceDirty: RegionSet
  /** Regions the CPU wrote that the device has not been handed yet. */
  readonly cpuDirty: RegionSet
  /** Regions taken out of the transaction's IOVA range (dma_iova_unlink). */
  readonly unlinked: RegionSet
}
