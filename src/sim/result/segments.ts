/**
 * The hardware scatter-gather list of a result, whose entries may stand for
 * runs (`repeat`): a terabyte mapped through 64 KiB segments is one record
 * of 2^24 segments, not 2^24 records. Readers count and walk it here.
 */
import { formatU64 } from '../../plan/u64.js'
import type { TransactionResult } from './schema.js'

export type ResultSegment = TransactionResult['segments'][number]

/** How many segments the list holds, runs counted in full. */
export function segmentCount(list: readonly ResultSegment[]): number {
  let n = 0
  for (const s of list) n += s.repeat ?? 1
  return n
}

/** The segments one by one, at most `limit` of them. */
export function expandSegments(list: readonly ResultSegment[], limit = Number.POSITIVE_INFINITY): ResultSegment[] {
  const out: ResultSegment[] = []
  for (const s of list) {
    if ((s.repeat ?? 1) === 1) {
      if (out.length >= limit) break
      out.push(s)
      continue
    }
    const len = BigInt(s.len)
    for (let k = 0, dma = BigInt(s.dma); k < (s.repeat ?? 1) && out.length < limit; k++, dma += len)
      out.push({ dma: formatU64(dma), len: s.len, entries: s.entries, first: s.first + k * s.entries })
  }
  return out
}

/** The bytes the list covers. */
export function segmentBytes(list: readonly ResultSegment[]): bigint {
  let n = 0n
  for (const s of list) n += BigInt(s.len) * BigInt(s.repeat ?? 1)
  return n
}
