/**
 * R12: a block request fits its queue. blk_rq_append_bio() (block/blk-map.c)
 * refuses a bio whose vectors break the request queue's limits, before
 * anything is mapped: a vector whose address is off the queue's
 * dma_alignment (511 unless the driver sets it, block/blk-settings.c
 * blk_validate_limits()), or a gap at the queue's virt_boundary_mask inside
 * the request (block/blk-merge.c bvec_gap_to_prev()). Before that, the
 * driver cannot build a bio of more than BIO_MAX_SIZE bytes
 * (include/linux/blk_types.h: bi_size is an unsigned int; block/bio.c
 * bio_add_page() refuses the buffer that would pass it), and a request's
 * length is the same unsigned int. The generated driver
 * makes its queue with the device's min_align_mask as the virt boundary, as
 * NVMe does.
 *
 * This file holds the whole rule: its explanation, its sentences (a type and
 * a function of the same name each) and its run-time check. The offsets it
 * reads are numbers the region types do not carry, so the rule has no
 * type-level check: `dmaplan check` and the builder's build() find it.
 */
import { BIO_MAX_SIZE, PAGE_SIZE_N, SECTOR_SIZE_N } from '../kernel-consts.js'
import type { RegionIR } from '../ir.js'
import type { Finding } from './finding.js'
import type { MappedRegion } from './walk.js'

export const R12 = {
  id: 'R12',
  title: 'a block request fits its queue',
  rule: "A block request fits its queue: it holds at most BIO_MAX_SIZE (0xffffffff) bytes, each buffer of a blk transaction starts on a 512-byte boundary (the queue's dma_alignment), and where the device has a min_align_mask (the queue's virt_boundary_mask) only the first buffer may start, and only the last may end, off that boundary.",
  why: "A bio counts its bytes in an unsigned int, so bio_add_page() refuses a buffer that would take it past BIO_MAX_SIZE; blk_rq_append_bio() refuses a bio whose vectors break the queue's limits, an address off its dma_alignment or a gap at its virt_boundary_mask inside the request (bvec_gap_to_prev()), with -EINVAL (or -EREMOTEIO where the request would have to be split): the request is never mapped.",
  kernel: ['include/linux/blk_types.h: BIO_MAX_SIZE', 'block/bio.c: bio_add_page()', 'block/blk-map.c: blk_rq_append_bio()', 'block/blk-merge.c: bvec_gap_to_prev()', 'block/blk-settings.c: blk_validate_limits()'],
  instead: 'Split a request larger than 4 GiB, align the buffers, put the unaligned one first or last, or map them with page or sg.',
  runTimeOnly: true,
} as const

/** The queue's dma_alignment: a sector, unless the driver asks for more. */
const DMA_ALIGNMENT = SECTOR_SIZE_N - 1n

export type writeBlkTooLargeMessage<R extends string, T extends string, D extends string, B extends string> =
  `R12: ${R} takes blk transaction ${T} of ${D} to ${B} bytes, past the 0xffffffff a block request holds (BIO_MAX_SIZE: a bio counts its bytes in an unsigned int), so bio_add_page() refuses ${R}. Split it into requests of at most 4 GiB, or map it with sg or iova.`
export const writeBlkTooLargeMessage = <R extends string, T extends string, D extends string, B extends string>(
  region: R,
  tx: T,
  device: D,
  bytes: B,
): writeBlkTooLargeMessage<R, T, D, B> =>
  `R12: ${region} takes blk transaction ${tx} of ${device} to ${bytes} bytes, past the 0xffffffff a block request holds (BIO_MAX_SIZE: a bio counts its bytes in an unsigned int), so bio_add_page() refuses ${region}. Split it into requests of at most 4 GiB, or map it with sg or iova.`

export type writeBlkAlignmentMessage<R extends string, T extends string, D extends string> =
  `R12: ${R} starts off a 512-byte boundary, but the request queue of ${D} takes buffers on its dma_alignment only, so blk_rq_append_bio() refuses blk transaction ${T}. Align it, or map it with page or sg.`
export const writeBlkAlignmentMessage = <R extends string, T extends string, D extends string>(region: R, tx: T, device: D): writeBlkAlignmentMessage<R, T, D> =>
  `R12: ${region} starts off a 512-byte boundary, but the request queue of ${device} takes buffers on its dma_alignment only, so blk_rq_append_bio() refuses blk transaction ${tx}. Align it, or map it with page or sg.`

export type writeBlkGapMessage<R extends string, E extends 'starts' | 'ends', T extends string, D extends string, M extends string> =
  `R12: ${R} ${E} off the ${M} virt_boundary_mask of the request queue of ${D} inside blk transaction ${T}, a gap blk_rq_append_bio() refuses. Align it, make it the ${E extends 'starts' ? 'first' : 'last'} buffer, or map it in a request of its own.`
export const writeBlkGapMessage = <R extends string, E extends 'starts' | 'ends', T extends string, D extends string, M extends string>(
  region: R,
  edge: E,
  tx: T,
  device: D,
  mask: M,
): writeBlkGapMessage<R, E, T, D, M> =>
  `R12: ${region} ${edge} off the ${mask} virt_boundary_mask of the request queue of ${device} inside blk transaction ${tx}, a gap blk_rq_append_bio() refuses. Align it, make it the ${(edge === 'starts' ? 'first' : 'last') as E extends 'starts' ? 'first' : 'last'} buffer, or map it in a request of its own.`

/** The bytes of a request up to and with each of its buffers (asked once per buffer, summed once per request). */
const prefixBytes = new WeakMap<readonly RegionIR[], bigint[]>()
function requestBytes(regions: readonly RegionIR[]): bigint[] {
  let sums = prefixBytes.get(regions)
  if (sums === undefined) {
    let total = 0n
    sums = regions.map((r) => (total += r.bytes))
    prefixBytes.set(regions, sums)
  }
  return sums
}

/** The run-time check of a region of a blk transaction, as blk_rq_append_bio() walks its vectors. */
export function checkBlkQueueLimits(at: MappedRegion): Finding<'R12'> | undefined {
  if (at.step.strategy !== 'blk') return undefined
  const { region, index } = at
  const tx = at.step.tx
  const device = at.client.name
  // The bytes of the request up to this buffer: the first buffer that takes it past BIO_MAX_SIZE is refused.
  const bytes = requestBytes(at.regions)[index] as bigint
  if (bytes > BIO_MAX_SIZE) return { rule: R12.id, text: writeBlkTooLargeMessage(region.name, tx, device, `0x${bytes.toString(16)}`) }
  if ((region.offset & DMA_ALIGNMENT) !== 0n) return { rule: R12.id, text: writeBlkAlignmentMessage(region.name, tx, device) }
  const virt = BigInt(at.client.minAlignMask)
  if (virt === 0n) return undefined
  const mask = `0x${virt.toString(16)}`
  if (index > 0 && (region.offset & virt) !== 0n) return { rule: R12.id, text: writeBlkGapMessage(region.name, 'starts', tx, device, mask) }
  // The last vector's end within its page, as the queue sees it.
  const end = ((region.offset + region.bytes - 1n) % PAGE_SIZE_N) + 1n
  if (index < at.regions.length - 1 && (end & virt) !== 0n) return { rule: R12.id, text: writeBlkGapMessage(region.name, 'ends', tx, device, mask) }
  return undefined
}
