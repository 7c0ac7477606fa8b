/**
 * A scatterlist's entries as a trace shows them: dma_map_sg's event lists
 * the entries' physical addresses and the DMA segments, and only the
 * segments have lengths.
 */
import { PAGE_SIZE_N as PAGE } from '../plan/kernel-consts.js'

/**
 * The entries' lengths of a scatterlist from its entries' physical
 * addresses and its DMA segments' lengths: one segment per entry gives them
 * exactly; otherwise each entry runs to the end of its page and the last
 * takes what is left of the segments' total.
 */
export function reconstructSgEntries(phys: readonly bigint[], segments: readonly bigint[]): bigint[] {
  if (phys.length === segments.length) return [...segments]
  const total = segments.reduce((a, b) => a + b, 0n)
  const heads = phys.slice(0, -1).map((p) => PAGE - (p % PAGE))
  const rest = total - heads.reduce((a, b) => a + b, 0n)
  return [...heads, rest > 0n ? rest : PAGE]
}
