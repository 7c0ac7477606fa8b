/**
 * R8: lifecycle. This file holds the rule's explanation (`dmaplan explain
 * R8`, docs/rules.md) and its sentences: each writer is a type and a function
 * of the same name, so the type-level check (src/dsl/types) and the run-time
 * check (validate.ts) speak it byte for byte.
 */

export const R8 = {
  id: 'R8',
  title: 'lifecycle',
  rule: 'No access, sync or unmap of a transaction that is not mapped; no double unmap; a finished plan has unmapped everything it mapped, or says explicitly that it keeps a mapping.',
  why: 'dma-debug reports a sync or unmap of memory that is not mapped ("tries to free DMA memory it has not allocated") and pending mappings at unbind; the IOVA API is not tracked at all, so a double dma_iova_destroy() corrupts someone else\'s IOVA.',
  kernel: ['kernel/dma/debug.c: check_unmap(), check_sync(), dma_debug_device_change()'],
  instead: 'Unmap every transaction once, after its last access, or keep it on purpose with .keep().',
} as const

export type writeNotMappedMessage<T extends string> =
  `R8: transaction ${T} is not mapped here; map it with .transaction('${T}', ...) before any access, sync or unmap.`
export const writeNotMappedMessage = <T extends string>(tx: T): writeNotMappedMessage<T> =>
  `R8: transaction ${tx} is not mapped here; map it with .transaction('${tx}', ...) before any access, sync or unmap.`

export type writeAlreadyUnmappedMessage<T extends string> =
  `R8: transaction ${T} is already unmapped; no access, sync or unmap may follow its unmap (a double unmap is a bug).`
export const writeAlreadyUnmappedMessage = <T extends string>(tx: T): writeAlreadyUnmappedMessage<T> =>
  `R8: transaction ${tx} is already unmapped; no access, sync or unmap may follow its unmap (a double unmap is a bug).`

export type writeDuplicateTxMessage<T extends string> =
  `R8: transaction ${T} already exists in this plan; give every mapping a name of its own.`
export const writeDuplicateTxMessage = <T extends string>(tx: T): writeDuplicateTxMessage<T> =>
  `R8: transaction ${tx} already exists in this plan; give every mapping a name of its own.`

export type writeStillMappedMessage<T extends string> =
  `R8: the plan ends with transaction ${T} still mapped; unmap it, or call .keep('${T}') to keep the mapping on purpose.`
export const writeStillMappedMessage = <T extends string>(tx: T): writeStillMappedMessage<T> =>
  `R8: the plan ends with transaction ${tx} still mapped; unmap it, or call .keep('${tx}') to keep the mapping on purpose.`

export type writeNotInTxMessage<R extends string, T extends string> =
  `R8: ${R} is not mapped by transaction ${T}; the device reaches memory only through a transaction that maps it.`
export const writeNotInTxMessage = <R extends string, T extends string>(region: R, tx: T): writeNotInTxMessage<R, T> =>
  `R8: ${region} is not mapped by transaction ${tx}; the device reaches memory only through a transaction that maps it.`

export type writeNotHmmMessage<T extends string, S extends string> =
  `R8: HMM faults and invalidations need an hmm transaction, but ${T} is mapped with ${S}.`
export const writeNotHmmMessage = <T extends string, S extends string>(tx: T, strategy: S): writeNotHmmMessage<T, S> =>
  `R8: HMM faults and invalidations need an hmm transaction, but ${tx} is mapped with ${strategy}.`

export type writeNotIovaUnlinkMessage<T extends string, S extends string> =
  `R8: only an iova transaction unlinks part of its range (dma_iova_unlink), but ${T} is mapped with ${S}.`
export const writeNotIovaUnlinkMessage = <T extends string, S extends string>(tx: T, strategy: S): writeNotIovaUnlinkMessage<T, S> =>
  `R8: only an iova transaction unlinks part of its range (dma_iova_unlink), but ${tx} is mapped with ${strategy}.`

export const writeUnlinkedMessage = (region: string, tx: string, what: string): string =>
  `R8: ${region} was unlinked from ${tx}, so ${what}; unlink a region after its last use, or map it again in a transaction of its own.`
