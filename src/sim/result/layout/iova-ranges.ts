/**
 * The IOVA ranges of a transaction, from what the result records:
 * - calls that allocate IOVA space and say where: dma_iova_try_alloc()
 *   (state.addr is the IOVA plus the first range's offset in its granule,
 *   drivers/iommu/dma-iommu.c dma_iova_try_alloc()) and hmm_dma_map_alloc()
 *   (one range of nr_entries * dma_entry_size, mm/hmm.c);
 * - calls that map one range and return its IOVA: dma_map_phys() and its
 *   older names, dma_alloc_coherent() (a range the error path may have
 *   released, still worth drawing for a failed transaction);
 * - otherwise the DMA addresses of the list itself (dma_map_sgtable(), the
 *   block iterators, HMM per page), rounded out to the granule.
 * The allocator may reserve more than that (drivers/iommu/iova.c rcache
 * power-of-two rounding); the transaction's counters say how many granules
 * it allocated.
 */
import { alignDown, alignUp } from '../../addr.js'
import { DMA_MAPPING_ERROR } from '../../consts.js'
import type { TransactionResult } from '../schema.js'
import type { IovaRange, Piece, PhysRange, Span } from './types.js'

const MAP_CALLS = new Set(['dma_map_phys', 'dma_map_page_attrs', 'dma_map_resource', 'dma_alloc_coherent'])

interface Found extends Span {
  readonly source: string
}

const hexArg = (v: unknown): bigint | undefined => (typeof v === 'string' && /^0x[0-9a-f]+$/.test(v) ? BigInt(v) : undefined)

export function iovaRanges(tx: TransactionResult, regions: readonly PhysRange[], pieces: readonly Piece[], granule: bigint): IovaRange[] {
  const busPhys = (phys: bigint): boolean => regions.some((r) => r.kind === 'p2p-bus' && phys >= r.phys && phys < r.phys + r.bytes)
  const found: Found[] = []
  const add = (start: bigint, len: bigint, source: string): void => {
    if (len <= 0n) return
    const s = alignDown(start, granule)
    const e = alignUp(start + len, granule)
    if (!found.some((f) => f.start === s && f.end === e)) found.push({ start: s, end: e, source })
  }
  for (const c of tx.calls) {
    const records = [{ args: c.args, ret: c.ret }, ...(c.repeat ? [{ args: c.repeat.lastArgs, ret: c.repeat.lastRet }] : [])]
    for (const { args, ret } of records) {
      if (c.fn === 'dma_iova_try_alloc' && ret === true) {
        const addr = hexArg(args['state.addr'])
        const phys = hexArg(args['phys']) ?? 0n
        const size = hexArg(args['size'])
        if (addr !== undefined && size !== undefined) add(addr - (phys % granule), (phys % granule) + size, c.fn)
      } else if (c.fn === 'hmm_dma_map_alloc' && ret === 0) {
        const addr = hexArg(args['state.addr'])
        const n = args['nr_entries']
        const size = args['dma_entry_size']
        if (addr !== undefined && addr !== 0n && typeof n === 'number' && typeof size === 'number') add(addr, BigInt(n) * BigInt(size), c.fn)
      } else if (MAP_CALLS.has(c.fn) && !c.errno) {
        const addr = hexArg(ret)
        const size = hexArg(args['size'])
        const phys = hexArg(args['phys'])
        if (addr === undefined || addr === DMA_MAPPING_ERROR || size === undefined) continue
        if (phys !== undefined && busPhys(phys)) continue
        add(addr, size, c.fn)
      }
    }
  }
  // The list's own IOVAs, where no call said more: merged where they touch,
  // since one dma_map_sgtable() or blk iterator allocates one range.
  const extra: Span[] = []
  for (const p of pieces) {
    if (p.route !== 'iova') continue
    if (found.some((f) => p.dma >= f.start && p.dma + p.len <= f.end)) continue
    extra.push({ start: alignDown(p.dma, granule), end: alignUp(p.dma + p.len, granule) })
  }
  extra.sort((a, b) => (a.start < b.start ? -1 : a.start > b.start ? 1 : 0))
  const merged: Span[] = []
  for (const s of extra) {
    const last = merged[merged.length - 1]
    if (last !== undefined && s.start <= last.end) merged[merged.length - 1] = { start: last.start, end: last.end > s.end ? last.end : s.end }
    else merged.push(s)
  }
  for (const s of merged) found.push({ ...s, source: 'segments' })
  found.sort((a, b) => (a.start < b.start ? -1 : a.start > b.start ? 1 : 0))
  return found.map((f, i) => ({ id: `${tx.name}/iova/${i}`, start: f.start, len: f.end - f.start, granules: (f.end - f.start) / granule, source: f.source }))
}
