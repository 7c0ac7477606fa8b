/**
 * What the picture of one transaction shows: the simulator's layout of it
 * (txLayout(), src/sim/result/layout: physical ranges, swiotlb slots, IOVA
 * ranges, the hardware scatter-gather list and the links between them),
 * each region given its colour, and the facts the picture cannot show, said
 * in words under it.
 */
import type { Plan } from '../plan/ir.js'
import { txLayout } from '../sim/result/layout/index.js'
import type * as L from '../sim/result/layout/index.js'
import type { SimResult, TransactionResult } from '../sim/result/schema.js'
import { hex } from './hex.js'
import { descriptor } from '../strategies/index.js'

export { txRegionNames } from '../sim/result/layout/index.js'
export type { RegionKind, Route, Band, BounceSlots, IovaRange, Segment, Piece, End, LinkKind } from '../sim/result/layout/index.js'

export interface PhysRange extends L.PhysRange {
  /** Index into the palette: the region's colour follows its bytes through every band. */
  readonly color: number
}

export interface Link extends L.Link {
  /** The colour of the region whose bytes it carries. */
  readonly color: number
}

export interface TxModel extends Omit<L.TxLayout, 'regions' | 'links'> {
  readonly regions: readonly PhysRange[]
  readonly links: readonly Link[]
  /** Facts the picture cannot show, said in words under it. */
  readonly notes: readonly string[]
}

function notesOf(result: SimResult, tx: TransactionResult, m: L.TxLayout): string[] {
  const notes: string[] = []
  const total = m.regions.reduce((n, r) => n + r.bytes, 0n)
  if (!m.view.mirror && tx.segments.length > 0) {
    const listed = m.segments.reduce((n, s) => n + s.len, 0n)
    if (listed < total) notes.push(`The scatter-gather list covers ${hex(listed)} of the transaction's ${hex(total)} bytes: the device cannot reach the rest.`)
    if (listed > total) notes.push(`The scatter-gather list is ${hex(listed - total)} bytes longer than the data it maps (hatched): the device would touch memory past it.`)
  }
  if (descriptor(tx.strategy).allocates && result.platform.coco && tx.segments.length > 0)
    notes.push('In a confidential guest dma_alloc_coherent() decrypts the allocation (set_memory_decrypted()): the device reaches it directly, without bouncing.')
  if (tx.status === 'failed') notes.push(`The mapping failed${tx.error ? `: ${tx.error}` : ''}. What was allocated before the failure is drawn; the error path released it.`)
  return notes
}

export function txModel(result: SimResult, plan: Plan, tx: TransactionResult): TxModel {
  const m = txLayout(result, plan, tx)
  return {
    ...m,
    regions: m.regions.map((r, i) => ({ ...r, color: i })),
    links: m.links.map((l) => ({ ...l, color: l.regionIndex })),
    notes: notesOf(result, tx, m),
  }
}
