/**
 * A strategy decides how a transaction's buffers are mapped: which part maps
 * which run of buffers, with which attributes. It is the seam between the
 * plan's vocabulary (docs/strategies.md) and the parts, which own
 * the C. A new strategy is its folder's gen.ts and a line in index.ts.
 */
import type { DeviceIR, Direction, PlatformIR, Strategy } from '../../plan/ir.js'
import type { KernelShape } from '../kernel-shape.js'
import type { BufModel } from '../model.js'
import type { PartDef, PartId } from '../parts/part.js'

export interface StrategyContext {
  readonly platform: PlatformIR
  readonly kernel: KernelShape
  readonly device: DeviceIR
  readonly tx: string
  readonly dir: Direction
  /** The transaction's attributes as C macros. */
  readonly attrs: readonly string[]
}

export interface SliceSpec {
  readonly part: PartId
  readonly first: number
  readonly count: number
  readonly attrs: readonly string[]
  /** The slice may link host memory into an IOVA range (auto). */
  readonly useIova?: boolean
}

export interface StrategyDef {
  readonly strategy: Strategy
  /** Why the transaction is mapped this way, once, above its C struct. */
  readonly summary: string
  /** The part named after the strategy, which owns its C (a strategy's slices may use other strategies' parts too). */
  readonly part: PartDef
  slices(bufs: readonly BufModel[], ctx: StrategyContext): readonly SliceSpec[]
}

/** One slice over every buffer. */
export function whole(part: PartId, bufs: readonly BufModel[], attrs: readonly string[] = []): SliceSpec[] {
  return [{ part, first: 0, count: bufs.length, attrs }]
}

/** Host-bridge P2P memory is MMIO: from 6.18 the mapping calls say so with DMA_ATTR_MMIO. */
export function withMmio(attrs: readonly string[], bufs: readonly BufModel[]): string[] {
  return bufs.some((b) => b.kind === 'p2p-host-bridge') && !attrs.includes('DMA_ATTR_MMIO') ? [...attrs, 'DMA_ATTR_MMIO'] : [...attrs]
}
