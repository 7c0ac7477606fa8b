/**
 * What the project knows about one strategy, as data: the plan, the DSL's
 * types, the simulator, the generator and the command line all read it, so
 * a descriptor imports nothing but types of the plan. Code that treats one
 * strategy differently asks for a property here, never for a name.
 */
import type { KernelFeature } from '../plan/kernel-changes.js'
import type { MemoryKind } from '../plan/memory-kind.js'

/**
 * The rule a region of one memory kind breaks under a strategy; 'ok' means
 * the strategy maps it (subject to R2 and R6, which depend on the other
 * regions of the transaction). See src/plan/rules/verdicts.ts.
 */
export type KindVerdict = 'ok' | 'unreachable' | 'bus' | 'bus-only' | 'encrypted' | 'coherent-host' | 'mmio'

export interface StrategyDescriptor {
  readonly name: string
  /** One line on how it maps a transaction: above the transaction's C struct, and the strategy's legend in the report. */
  readonly summary: string
  /** The kernel functions its generated C calls, the first with its file (docs/strategies.md). */
  readonly kernel: readonly string[]
  /** Its row of the kind table (src/plan/rules/verdicts.ts KIND_VERDICTS). */
  readonly verdicts: { readonly [K in MemoryKind]: KindVerdict }
  /** The transaction is one IOVA range, one scatterlist or one request: one memory kind (R2). */
  readonly uniform: boolean
  /** The kernel API it needs beyond 6.12, when it needs one (R1). */
  readonly feature?: KernelFeature
  /** Its template file under templates/module (without extension). */
  readonly template: string
  /** The templates whose sections its template calls (they are output before it). */
  readonly templateNeeds?: readonly string[]
  /** dma_alloc_coherent(): the transaction allocates its regions rather than mapping memory that exists. */
  readonly allocates: boolean
  /** hmm_dma_map_pfn(): pages are mapped one by one, on fault, and the transaction is bidirectional. */
  readonly perPage: boolean
  /** The harness target drives it on QEMU's edu device (src/codegen/targets/harness). */
  readonly harness: boolean
  /** The C chooses a way per buffer at run time rather than the strategy choosing one. */
  readonly dispatches: boolean
  /**
   * It maps bus-address P2P memory with dma_map_sg() and needs a bus address
   * back for every entry (sg_dma_is_bus_address()): an untrusted device's
   * scatterlist goes the swiotlb way instead, which gives none (R3).
   */
  readonly busAddressBySg: boolean
}
