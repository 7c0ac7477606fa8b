/**
 * R2: uniform transactions hold one memory kind. This file holds the rule's explanation (`dmaplan explain
 * R2`, docs/rules.md),
 * its sentences (each writer a type and a function of the same name) and its
 * run-time checks (asked by validate.ts). At the type level the rule is its
 * cells of the kind table (verdicts.ts, from the strategy descriptors), which
 * both levels read, and the one-kind test of src/dsl/types/checks.ts: both
 * speak the sentence byte for byte.
 */
import type { Finding } from './finding.js'
import { UNIFORM } from './verdicts.js'
import type { MappedRegion } from './walk.js'
import type { KindWords, MemoryKind } from './words.js'
import { KIND_WORDS } from './words.js'

export const R2 = {
  id: 'R2',
  title: 'uniform transactions hold one memory kind',
  rule: 'A uniform transaction (iova, sg, page, blk) holds one memory kind; mixing host memory with bus-address P2P memory is an error that says to split the transaction. coherent allocates host memory only.',
  why: 'One IOVA range, one scatterlist or one block request is mapped with one set of attributes and one P2P map type: the block layer refuses to merge bios of different P2P kinds, and bus-address entries never share an IOVA with host memory.',
  kernel: ['block/blk-mq-dma.c: blk_rq_dma_map_iter_start()', 'block/bio.c: P2P merge checks'],
  instead: 'Split the transaction into one per memory kind, or use hmm (per page) or auto (which dispatches).',
} as const

export type writeMixedKindsMessage<
  T extends string,
  S extends string,
  A extends string,
  KA extends MemoryKind,
  B extends string,
  KB extends MemoryKind,
  D extends string,
> = `R2: ${T} is a uniform ${S} transaction of ${D} but mixes ${KindWords[KA]} ${A} with ${KindWords[KB]} ${B}; split it into one transaction per memory kind.`
export const writeMixedKindsMessage = <
  T extends string,
  S extends string,
  A extends string,
  KA extends MemoryKind,
  B extends string,
  KB extends MemoryKind,
  D extends string,
>(
  tx: T,
  strategy: S,
  first: A,
  firstKind: KA,
  region: B,
  kind: KB,
  device: D,
): writeMixedKindsMessage<T, S, A, KA, B, KB, D> =>
  `R2: ${tx} is a uniform ${strategy} transaction of ${device} but mixes ${KIND_WORDS[firstKind]} ${first} with ${KIND_WORDS[kind]} ${region}; split it into one transaction per memory kind.`

export type writeCoherentHostOnlyMessage<R extends string, K extends MemoryKind, D extends string> =
  `R2: ${R} is ${KindWords[K]} for ${D}, but strategy coherent allocates host memory with dma_alloc_coherent(); map P2P memory with page, sg, iova or auto.`
export const writeCoherentHostOnlyMessage = <R extends string, K extends MemoryKind, D extends string>(region: R, kind: K, device: D): writeCoherentHostOnlyMessage<R, K, D> =>
  `R2: ${region} is ${KIND_WORDS[kind]} for ${device}, but strategy coherent allocates host memory with dma_alloc_coherent(); map P2P memory with page, sg, iova or auto.`

/** The run-time check of a mapped region: dma_alloc_coherent() allocates host memory, never a peer's BAR. */
export function checkCoherentHost(at: MappedRegion): Finding<'R2'> | undefined {
  return at.verdict === 'coherent-host' ? { rule: R2.id, text: writeCoherentHostOnlyMessage(at.region.name, at.kind, at.client.name) } : undefined
}

/** The run-time check of a mapped region: a uniform transaction's regions all have the first region's memory kind. */
export function checkMixedKinds(at: MappedRegion): Finding<'R2'> | undefined {
  const first = at.kinds[0]
  if (!UNIFORM[at.step.strategy] || first === undefined || at.kind === first) return undefined
  return { rule: R2.id, text: writeMixedKindsMessage(at.step.tx, at.step.strategy, at.regions[0]?.name ?? '', first, at.region.name, at.kind, at.client.name) }
}
