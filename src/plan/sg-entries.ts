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

/** The entries' lengths for a buffer of `len` bytes that starts `offset` bytes into its first page. */
export function sgEntryLengths(offset: bigint, len: bigint, maxSegment: number): bigint[] {
  const sub = maxSegment < Number(PAGE)
  const max = sub ? BigInt(maxSegment) : (BigInt(maxSegment) / PAGE) * PAGE
  const out: bigint[] = []
  for (let at = offset % PAGE, left = len; left > 0n; ) {
    const room = sub ? (max < PAGE - at ? max : PAGE - at) : max - at
    const n = left < room ? left : room
    out.push(n)
    left -= n
    at = (at + n) % PAGE
  }
  return out
}
