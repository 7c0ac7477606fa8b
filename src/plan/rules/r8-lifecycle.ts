/**
 * R8: lifecycle. This file holds the rule's explanation (`dmaplan explain
 * R8`, docs/rules.md),
 * its sentences (each writer a type and a function of the same name), its
 * run-time checks (asked by validate.ts) and its type-level checks (below,
 * the parameter types of the builder's steps and its terminal): both levels
 * speak the sentence byte for byte.
 */
import type { DeviceIR } from '../ir.js'
import type { Finding } from './finding.js'
import type { TxState } from './walk.js'
import { descriptor } from '../../strategies/index.js'
import type { DescriptorOf, StrategyName } from '../../strategies/index.js'
import type { Facts, IsAny, NamedRegion, State } from './type-facts.js'

export const R8 = {
  id: 'R8',
  title: 'lifecycle',
  rule: 'Lifecycle: no access, sync or unmap of a transaction that is not mapped; no double unmap; one name per mapping; the device touches only what a transaction maps; no change of the DMA mask while a streaming transaction is mapped; a finished plan has unmapped everything it mapped, or says explicitly that it keeps a mapping (.keep()).',
  why: 'dma-debug reports a sync or unmap of memory that is not mapped ("tries to free DMA memory it has not allocated") and pending mappings at unbind; the IOVA API is not tracked at all, so a double dma_iova_destroy() corrupts someone else\'s IOVA. dma_set_mask() decides afresh, from coherence alone, whether the device needs syncs: a coherent device whose live mapping bounced then has its syncs skipped.',
  kernel: ['kernel/dma/debug.c: check_unmap(), check_sync(), dma_debug_device_change()', 'kernel/dma/mapping.c: dma_set_mask(), dma_setup_need_sync()'],
  instead: 'Unmap every transaction once, after its last access, or keep it on purpose with .keep().',
} as const

export type writeNotMappedMessage<T extends string, D extends string> =
  `R8: transaction ${T} of ${D} is not mapped here; map it with .transaction('${T}', ...) before any access, sync or unmap.`
export const writeNotMappedMessage = <T extends string, D extends string>(tx: T, device: D): writeNotMappedMessage<T, D> =>
  `R8: transaction ${tx} of ${device} is not mapped here; map it with .transaction('${tx}', ...) before any access, sync or unmap.`

export type writeAlreadyUnmappedMessage<T extends string, D extends string> =
  `R8: transaction ${T} of ${D} is already unmapped; no access, sync or unmap may follow its unmap (a double unmap is a bug).`
export const writeAlreadyUnmappedMessage = <T extends string, D extends string>(tx: T, device: D): writeAlreadyUnmappedMessage<T, D> =>
  `R8: transaction ${tx} of ${device} is already unmapped; no access, sync or unmap may follow its unmap (a double unmap is a bug).`

export type writeDuplicateTxMessage<T extends string, D extends string> =
  `R8: transaction ${T} of ${D} already exists in this plan; give every mapping a name of its own.`
export const writeDuplicateTxMessage = <T extends string, D extends string>(tx: T, device: D): writeDuplicateTxMessage<T, D> =>
  `R8: transaction ${tx} of ${device} already exists in this plan; give every mapping a name of its own.`

export type writeStillMappedMessage<T extends string, D extends string> =
  `R8: the plan ends with transaction ${T} of ${D} still mapped; unmap it, or call .keep('${T}') to keep the mapping on purpose.`
export const writeStillMappedMessage = <T extends string, D extends string>(tx: T, device: D): writeStillMappedMessage<T, D> =>
  `R8: the plan ends with transaction ${tx} of ${device} still mapped; unmap it, or call .keep('${tx}') to keep the mapping on purpose.`

export type writeMaskWhileMappedMessage<T extends string, D extends string> =
  `R8: transaction ${T} of ${D} is still mapped at this DMA mask change; dma_set_mask() decides afresh whether ${D} needs syncs, as if nothing had bounced (dma_setup_need_sync()): set the mask before mapping, or unmap ${T} first.`
export const writeMaskWhileMappedMessage = <T extends string, D extends string>(tx: T, device: D): writeMaskWhileMappedMessage<T, D> =>
  `R8: transaction ${tx} of ${device} is still mapped at this DMA mask change; dma_set_mask() decides afresh whether ${device} needs syncs, as if nothing had bounced (dma_setup_need_sync()): set the mask before mapping, or unmap ${tx} first.`

export type writeNotInTxMessage<R extends string, T extends string, D extends string> =
  `R8: ${R} is not mapped by transaction ${T}; ${D} reaches memory only through a transaction that maps it.`
export const writeNotInTxMessage = <R extends string, T extends string, D extends string>(region: R, tx: T, device: D): writeNotInTxMessage<R, T, D> =>
  `R8: ${region} is not mapped by transaction ${tx}; ${device} reaches memory only through a transaction that maps it.`

export type writeNotHmmMessage<T extends string, S extends string, D extends string> =
  `R8: transaction ${T} of ${D} is mapped with ${S}, but HMM faults and invalidations need an hmm transaction.`
export const writeNotHmmMessage = <T extends string, S extends string, D extends string>(tx: T, strategy: S, device: D): writeNotHmmMessage<T, S, D> =>
  `R8: transaction ${tx} of ${device} is mapped with ${strategy}, but HMM faults and invalidations need an hmm transaction.`

export type writeNotIovaUnlinkMessage<T extends string, S extends string, D extends string, R extends string> =
  `R8: transaction ${T} of ${D} is mapped with ${S}, so ${R} cannot be unlinked: only an iova transaction unlinks part of its range (dma_iova_unlink).`
export const writeNotIovaUnlinkMessage = <T extends string, S extends string, D extends string, R extends string>(
  tx: T,
  strategy: S,
  device: D,
  region: R,
): writeNotIovaUnlinkMessage<T, S, D, R> =>
  `R8: transaction ${tx} of ${device} is mapped with ${strategy}, so ${region} cannot be unlinked: only an iova transaction unlinks part of its range (dma_iova_unlink).`

export const writeUnlinkedMessage = (region: string, tx: string, device: string, what: string): string =>
  `R8: ${region} was unlinked from transaction ${tx} of ${device}, so ${what}; unlink a region after its last use, or map it again in a transaction of its own.`

type R8Finding = Finding<'R8'>
const found = (text: string): R8Finding => ({ rule: R8.id, text })

/** The run-time check of a map step: every transaction has a name of its own (dma-debug tracks mappings by handle, the plan by name). */
export function checkNewTx(tx: TxState | undefined, name: string, client: DeviceIR): R8Finding | undefined {
  return tx === undefined ? undefined : found(writeDuplicateTxMessage(name, client.name))
}

/** The run-time check of any step on a transaction: it is mapped and not yet unmapped (kernel/dma/debug.c check_unmap(), check_sync()). */
export function checkLiveTx(tx: TxState | undefined, name: string, client: DeviceIR): R8Finding | undefined {
  if (tx === undefined) return found(writeNotMappedMessage(name, client.name))
  if (!tx.live) return found(writeAlreadyUnmappedMessage(name, client.name))
  return undefined
}

/** The run-time check of a device access or a sync on one region: the region was not unlinked from the transaction's IOVA range. */
export function checkNotUnlinked(tx: TxState, region: string, client: DeviceIR, what: string): R8Finding | undefined {
  return tx.unlinked.has(region) ? found(writeUnlinkedMessage(region, tx.map.tx, client.name, what)) : undefined
}

/** The run-time check of a device access or a sync on one region: the transaction maps it. */
export function checkInTx(tx: TxState, region: string, client: DeviceIR): R8Finding | undefined {
  return tx.map.regions.includes(region) ? undefined : found(writeNotInTxMessage(region, tx.map.tx, client.name))
}

/** The run-time check of a sync step: a named region belongs to the transaction and is still linked. */
export function checkSyncRegion(tx: TxState, region: string | undefined, client: DeviceIR): R8Finding | undefined {
  if (region === undefined) return undefined
  return checkInTx(tx, region, client) ?? checkNotUnlinked(tx, region, client, 'there is nothing of it left to sync')
}

/** The run-time check of an HMM fault or invalidation: only an hmm transaction has pages to fault in or invalidate. */
export function checkHmmTx(tx: TxState, client: DeviceIR): R8Finding | undefined {
  return descriptor(tx.map.strategy).perPage ? undefined : found(writeNotHmmMessage(tx.map.tx, tx.map.strategy, client.name))
}

/** The run-time check of an unlink step: dma_iova_unlink() takes a linked region out of an iova transaction, once. */
export function checkUnlink(tx: TxState, region: string, client: DeviceIR): R8Finding | undefined {
  if (tx.map.strategy !== 'iova') return found(writeNotIovaUnlinkMessage(tx.map.tx, tx.map.strategy, client.name, region))
  return checkInTx(tx, region, client) ?? checkNotUnlinked(tx, region, client, 'it cannot be unlinked again')
}

/**
 * The run-time check of a DMA mask change: no streaming mapping is live
 * (kept ones included). A coherent allocation never syncs, so what
 * dma_setup_need_sync() decides does not reach it.
 */
export function checkMaskChange(txs: Iterable<TxState>, client: DeviceIR): R8Finding | undefined {
  for (const tx of txs) if (tx.live && !descriptor(tx.map.strategy).allocates) return found(writeMaskWhileMappedMessage(tx.map.tx, client.name))
  return undefined
}

/**
 * The run-time check at the plan's end: nothing is still mapped unless kept
 * on purpose (kernel/dma/debug.c dma_debug_device_change()). A map a trace
 * observed (an imported plan) still mapped when the trace ends is the
 * simulation's finding, not the plan's fault.
 */
export function checkUnmappedAtEnd(tx: TxState, client: DeviceIR): R8Finding | undefined {
  return tx.live && !tx.kept && tx.map.observed === undefined ? found(writeStillMappedMessage(tx.map.tx, client.name)) : undefined
}

// ---- the type level: src/dsl/types/checks.ts puts these in the builder's parameter types ----

/** Why N is not live for device D: never mapped, or already unmapped; a name the compiler cannot see passes. */
export type NotLive<N extends string, F extends Facts, D extends string> = string extends N
  ? N
  : `u:${N}` extends F
    ? writeAlreadyUnmappedMessage<N, D>
    : writeNotMappedMessage<N, D>

/** A new transaction name of device D (one name per mapping). */
export type CheckNewTx<N extends string, F extends Facts, D extends string> = `t:${N}` extends F
  ? NoInfer<IsAny<F> extends true ? N : writeDuplicateTxMessage<N, D>>
  : N

/** A transaction of device D that is mapped now. */
export type CheckLive<N extends string, F extends Facts, S extends State, D extends string> = `l:${N}` extends S ? N : NoInfer<NotLive<N, F, D>>

/** The region must be one the transaction maps; no verdict while the transaction name itself is wrong. */
export type CheckMember<Rg extends NamedRegion, N extends string, F extends Facts, D extends string> = `m:${N}:${Rg['name']}` extends F
  ? Rg
  : NoInfer<`t:${N}` extends F ? writeNotInTxMessage<Rg['name'], N, D> : Rg>

/** The strategy transaction N was mapped with, as the facts say. */
type StrategyOf<N extends string, F extends Facts> = Extract<F, `s:${N}:${string}`> extends `s:${N}:${infer St}` ? St : string

/** The sentence for a step on region R that needs a strategy N was not mapped with. */
interface WrongStrategy<N extends string, Other extends string, D extends string, R extends string> {
  readonly hmm: writeNotHmmMessage<N, Other, D>
  readonly iova: writeNotIovaUnlinkMessage<N, Other, D, R>
}

/** A step (on region R, if it names one) only a live transaction of strategy St takes. */
type CheckStrategyStep<N extends string, F extends Facts, S extends State, D extends string, R extends string, St extends 'hmm' | 'iova'> = `s:${N}:${St}` extends F
  ? `l:${N}` extends S
    ? N
    : NoInfer<NotLive<N, F, D>>
  : NoInfer<`l:${N}` extends S ? WrongStrategy<N, StrategyOf<N, F>, D, R>[St] : NotLive<N, F, D>>

/** HMM faults and invalidations need an hmm transaction. */
export type CheckHmm<N extends string, F extends Facts, S extends State, D extends string> = CheckStrategyStep<N, F, S, D, never, 'hmm'>

/** dma_iova_unlink() of region Rg needs a live iova transaction. Unlinking twice, and using what was unlinked, are checked at run time. */
export type CheckIova<N extends string, Rg extends NamedRegion, F extends Facts, S extends State, D extends string> = CheckStrategyStep<N, F, S, D, Rg['name'], 'iova'>

/** A DMA mask change of device D, while no streaming transaction is mapped (a coherent allocation never syncs). */
export type CheckMaskChange<B extends number, S extends State, F extends Facts, D extends string> =
  IsAny<S> extends true ? B : [LiveStreaming<S, F>] extends [never] ? B : NoInfer<writeMaskWhileMappedMessage<LiveStreaming<S, F>, D>>
type LiveStreaming<S extends State, F extends Facts> = S extends `l:${infer N}` ? (`s:${N}:${Allocating}` extends F ? never : N) : never
type Allocating = { [St in StrategyName]: DescriptorOf[St]['allocates'] extends true ? St : never }[StrategyName]

/** Live transactions that are not kept: what makes the terminal uncallable. */
export type Unfinished<S extends State> = LiveNotKept<S, S>
type LiveNotKept<X extends State, S extends State> = X extends `l:${infer N}` ? (`k:${N}` extends S ? never : N) : never

/** The terminal when something is still mapped: not callable, and its type is the sentence. */
export interface DmaRuleError<M extends string> {
  readonly dmaplanRuleBroken: M
}
