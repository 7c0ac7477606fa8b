import { PAGE_SIZE_N as PAGE } from './kernel-consts.js'

/**
 * How a buffer becomes scatterlist entries for a device (the sg strategy's
 * driver, templates/module/sg.c, and the simulator's sg_alloc_table()): in
 * whole pages up to the device's maximum segment size, the first ending on a
 * page boundary, as sg_alloc_table_from_pages_segment() cuts them
 * (lib/scatterlist.c); below a page, which that helper refuses with a WARN,
 * in pieces of at most the maximum that cross no page boundary, so that no
 * entry is longer than the device takes (dma-debug's "mapping sg segment
 * longer than device claims to support", kernel/dma/debug.c).
 */

/** A run of `count` consecutive entries of `len` bytes each. */
export interface SgEntryRun {
  readonly len: bigint
  readonly count: number
}

/**
 * The entries' lengths for a buffer of `len` bytes that starts `offset`
 * bytes into its first page, as runs of equal lengths: a terabyte buffer cut
 * at 64 KiB is three runs, not sixteen million lengths.
 */
export function sgEntryRuns(offset: bigint, len: bigint, maxSegment: number): SgEntryRun[] {
  const sub = maxSegment < Number(PAGE)
  const max = sub ? BigInt(maxSegment) : (BigInt(maxSegment) / PAGE) * PAGE
  const out: { len: bigint; count: number }[] = []
  const push = (n: bigint, count: number): void => {
    const last = out.at(-1)
    if (last !== undefined && last.len === n) last.count += count
    else out.push({ len: n, count })
  }
  for (let at = offset % PAGE, left = len; left > 0n; ) {
    // Page-aligned and above a page: every entry but the last is max bytes.
    if (!sub && at === 0n && left >= max) {
      const k = left / max
      push(max, Number(k))
      left -= k * max
      continue
    }
    const room = sub ? (max < PAGE - at ? max : PAGE - at) : max - at
    const n = left < room ? left : room
    push(n, 1)
    left -= n
    at = (at + n) % PAGE
  }
  return out
}

/** How many entries sgEntryRuns() describes. */
export function sgEntryCount(offset: bigint, len: bigint, maxSegment: number): number {
  let n = 0
  for (const r of sgEntryRuns(offset, len, maxSegment)) n += r.count
  return n
}
