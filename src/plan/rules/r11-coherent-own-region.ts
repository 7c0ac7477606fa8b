/**
 * R11: coherent memory is mapped by its allocation alone. This file holds the rule's explanation (`dmaplan explain
 * R11`, docs/rules.md),
 * its sentences (each writer a type and a function of the same name), its
 * run-time check (asked by validate.ts) and its type-level check (below,
 * asked by src/dsl/types/checks.ts for each region): both levels speak the
 * sentence byte for byte.
 */
import type { Finding } from './finding.js'
import type { MappedRegion } from './walk.js'
import { descriptor } from '../../strategies/index.js'
import type { Strategy } from '../ir.js'
import type { Facts } from './type-facts.js'

export const R11 = {
  id: 'R11',
  title: 'coherent memory is mapped by its allocation alone',
  rule: 'A region that a coherent transaction allocates (dma_alloc_coherent(), already mapped for the device until it is freed) is mapped by no other transaction, and a region another transaction maps is not allocated by a coherent one.',
  why: 'dma_alloc_coherent() returns memory of its own with both its CPU address and its DMA address: it is mapped for the device from the allocation until dma_free_coherent(). Its CPU address may be a remapping (vmalloc space) that dma_map_single() refuses ("rejecting DMA map of vmalloc memory"), and the memory was never the driver\'s to hand to dma_map_*().',
  kernel: ['kernel/dma/mapping.c: dma_alloc_attrs(), dma_free_attrs()', 'include/linux/dma-mapping.h: dma_map_single_attrs()', 'Documentation/core-api/dma-api-howto.rst: dma_alloc_coherent()'],
  instead: 'Give the coherent transaction a region of its own, or map the region with page, sg or iova and sync it.',
} as const

export type writeCoherentAllocatedMessage<R extends string, T extends string, N extends string, D extends string> =
  `R11: ${R} is allocated by coherent transaction ${T}, which dma_alloc_coherent() maps for ${D} until it is freed, so ${N} cannot also map it; give ${N} a region of its own.`
export const writeCoherentAllocatedMessage = <R extends string, T extends string, N extends string, D extends string>(
  region: R,
  owner: T,
  tx: N,
  device: D,
): writeCoherentAllocatedMessage<R, T, N, D> =>
  `R11: ${region} is allocated by coherent transaction ${owner}, which dma_alloc_coherent() maps for ${device} until it is freed, so ${tx} cannot also map it; give ${tx} a region of its own.`

export type writeCoherentRemapMessage<R extends string, T extends string, N extends string, D extends string> =
  `R11: ${R} is mapped for ${D} by transaction ${T}, so coherent transaction ${N} cannot allocate it: dma_alloc_coherent() returns memory of its own; give ${N} a region of its own.`
export const writeCoherentRemapMessage = <R extends string, T extends string, N extends string, D extends string>(
  region: R,
  owner: T,
  tx: N,
  device: D,
): writeCoherentRemapMessage<R, T, N, D> =>
  `R11: ${region} is mapped for ${device} by transaction ${owner}, so coherent transaction ${tx} cannot allocate it: dma_alloc_coherent() returns memory of its own; give ${tx} a region of its own.`

/**
 * The run-time check of a mapped region against the transactions mapped
 * before it (mapped now or already unmapped: the generated module allocates
 * a coherent region once, for the whole module).
 */
export function checkCoherentOwnRegion(at: MappedRegion): Finding<'R11'> | undefined {
  const coherent = descriptor(at.step.strategy).allocates
  for (const tx of at.earlier) {
    if (descriptor(tx.map.strategy).allocates === coherent) continue
    const text = coherent ? writeCoherentRemapMessage(at.region.name, tx.map.tx, at.step.tx, at.client.name) : writeCoherentAllocatedMessage(at.region.name, tx.map.tx, at.step.tx, at.client.name)
    return { rule: R11.id, text }
  }
  return undefined
}

// ---- the type level: src/dsl/types/checks.ts puts these in the builder's parameter types ----

/** The fact prefix of the transactions a region may not share with a transaction of strategy S. */
type OtherKind<S extends Strategy> = S extends 'coherent' ? 'dm' : 'ca'

/**
 * The transactions mapped before that break the rule with region Rg under
 * strategy S; none when the facts are unknown (a builder typed any or
 * string, left to the run-time check).
 */
export type Clashes<Rg extends string, S extends Strategy, F extends Facts> = string extends F ? never : Extract<F, `${OtherKind<S>}:${Rg}:${string}`>

/** The transaction that owns Rg against S, if one does. */
export type OtherOwner<Rg extends string, S extends Strategy, F extends Facts> = OwnerOf<Clashes<Rg, S, F>, Rg>
/** Distributes over the facts, so that no fact is no owner. */
type OwnerOf<X, Rg extends string> = X extends `${string}:${Rg}:${infer T}` ? T : never

/** The sentence, by what transaction N of device D does with Rg: map what T allocated, or allocate what T maps. */
export interface CoherentMessage<Rg extends string, T extends string, N extends string, D extends string> {
  readonly map: writeCoherentAllocatedMessage<Rg, T, N, D>
  readonly alloc: writeCoherentRemapMessage<Rg, T, N, D>
}
