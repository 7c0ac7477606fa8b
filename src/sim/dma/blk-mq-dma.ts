/**
 * The block layer's DMA iterators (block/blk-mq-dma.c
 * blk_rq_dma_map_iter_start(), 6.17+): a request's bio_vecs become physical segments (physically
 * contiguous bvecs merged up to the queue's max segment size and segment
 * boundary); the first segment's P2P type decides for the whole request;
 * the request is either coalesced into one IOVA range (all or nothing) or
 * mapped segment by segment.
 */
import { hex } from '../addr.js'
import { BIO_MAX_SIZE, DIR_NAME, DMA_MAPPING_ERROR, ERRNO, MMIO, SECTOR_SIZE_N, errnoName, offsetInPage } from '../consts.js'
import type { DmaDir } from '../consts.js'
import type { DmaApi } from './api.js'
import { attrNames } from './attrs.js'
import { helperCall, mapArgs } from './helper-calls.js'
import * as iova from './iova-api.js'
import type { DmaIovaState } from './iova-api.js'
import * as m from './mapping.js'
import { newP2pState } from './p2pdma.js'
import type { P2pMapType, P2pState } from './p2pdma.js'

export interface Bvec {
  readonly region: string
  readonly phys: bigint
  readonly len: bigint
}

/** A physical segment of the request. */
export interface PhysSeg {
  readonly paddr: bigint
  readonly len: bigint
}

export type BlkStatus = 'BLK_STS_OK' | 'BLK_STS_RESOURCE' | 'BLK_STS_INVAL' | 'BLK_STS_IOERR' | 'BLK_STS_NOTSUPP' | 'BLK_STS_TARGET'

export interface Request {
  readonly bvecs: readonly Bvec[]
  readonly dir: DmaDir
  /** Segments not yet handed out by the iterator. */
  segs: PhysSeg[]
  next: number
  /** Bus addresses handed out (the model closes their windows at unmap). */
  readonly bus: { addr: bigint; len: bigint }[]
}

export interface BlkDmaIter {
  addr: bigint
  len: bigint
  status: BlkStatus
  p2pdma: P2pState
}

export function errnoToBlkStatus(err: number): BlkStatus {
  switch (-err) {
    case 0:
      return 'BLK_STS_OK'
    case ERRNO.ENOMEM:
      return 'BLK_STS_RESOURCE'
    case ERRNO.EOPNOTSUPP:
      return 'BLK_STS_NOTSUPP'
    case ERRNO.EINVAL:
      return 'BLK_STS_INVAL'
    case ERRNO.EREMOTEIO:
      return 'BLK_STS_TARGET'
    default:
      return 'BLK_STS_IOERR'
  }
}

/**
 * The physical segments of a request: contiguous bvecs merge, and a segment
 * never exceeds the max segment size nor crosses the segment boundary.
 */
export function physSegments(bvecs: readonly Bvec[], maxSeg: number, boundary: bigint): PhysSeg[] {
  const out: PhysSeg[] = []
  let cur: { paddr: bigint; len: bigint } | undefined
  const push = (paddr: bigint, len: bigint) => {
    let p = paddr
    let left = len
    while (left > 0n) {
      if (cur && cur.paddr + cur.len === p) {
        const room = roomAt(cur.paddr, cur.len, maxSeg, boundary)
        if (room > 0n) {
          const n = left < room ? left : room
          cur.len += n
          p += n
          left -= n
          continue
        }
      }
      if (cur) out.push(cur)
      cur = { paddr: p, len: 0n }
      const room = roomAt(p, 0n, maxSeg, boundary)
      const n = left < room ? left : room
      cur.len = n
      p += n
      left -= n
    }
  }
  for (const b of bvecs) push(b.phys, b.len)
  if (cur) out.push(cur)
  return out
}

/**
 * The queue's dma_alignment: the driver's queue leaves it unset, and
 * blk_validate_limits() makes it SECTOR_SIZE - 1 (block/blk-settings.c).
 */
export const QUEUE_DMA_ALIGNMENT = SECTOR_SIZE_N - 1n

/**
 * The bvecs of a bio built with one bio_add_page() per buffer: a buffer
 * that starts where the last bvec ends is merged into it
 * (bvec_try_merge_page(), block/bio.c).
 */
export function bioBvecs(bvecs: readonly Bvec[]): Bvec[] {
  const out: Bvec[] = []
  for (const b of bvecs) {
    const last = out.at(-1)
    if (last !== undefined && last.phys + last.len === b.phys) out[out.length - 1] = { ...last, len: last.len + b.len }
    else out.push(b)
  }
  return out
}

/**
 * What blk_rq_append_bio() says of the request's bio (block/blk-map.c):
 * bio_split_io_at() (block/blk-merge.c) refuses a bvec whose offset in its
 * page is off the queue's dma_alignment (-EINVAL) and, with a virtual
 * boundary, a gap between two bvecs: the bio would need a split (-EREMOTEIO),
 * or nothing before the gap fills a logical block of 512 bytes (-EINVAL).
 * The driver's queue takes the plan's whole request (its max_hw_sectors and
 * max_segments are set for it), so no other split is needed; but no bio
 * holds more than BIO_MAX_SIZE bytes (bio_add_page() refuses the buffer
 * that would pass it, and the driver gives up with -EINVAL).
 */
export function appendBioError(bvecs: readonly Bvec[], virtBoundary: bigint): number {
  let bytes = 0n
  for (const b of bvecs) bytes += b.len
  if (bytes > BIO_MAX_SIZE) return -ERRNO.EINVAL
  bytes = 0n
  let prev: Bvec | undefined
  for (const b of bioBvecs(bvecs)) {
    const offset = offsetInPage(b.phys)
    if (offset & QUEUE_DMA_ALIGNMENT) return -ERRNO.EINVAL
    if (prev !== undefined && virtBoundary !== 0n && (offset & virtBoundary || (offsetInPage(prev.phys) + prev.len) & virtBoundary))
      return bytes & ~(SECTOR_SIZE_N - 1n) ? -ERRNO.EREMOTEIO : -ERRNO.EINVAL
    bytes += b.len
    prev = b
  }
  return 0
}

function roomAt(start: bigint, len: bigint, maxSeg: number, boundary: bigint): bigint {
  const bySize = BigInt(maxSeg) - len
  const toBoundary = (start | boundary) - (start + len) + 1n
  return bySize < toBoundary ? bySize : toBoundary
}

export class BlkMqDma {
  readonly #api: DmaApi

  constructor(api: DmaApi) {
    this.#api = api
  }

  /*
   * The request queue's limits are the device's as the driver declared them
   * when it made the queue (queue_limits at probe); a driver step changes
   * the device's dma_parms, not a queue already made.
   */
  newRequest(bvecs: readonly Bvec[], dir: DmaDir): Request {
    const queue = this.#api.env.dev.ir
    return { bvecs, dir, segs: physSegments(bvecs, queue.maxSegmentSize, queue.segmentBoundary), next: 0, bus: [] }
  }

  /** blk_rq_append_bio() of the request's bio: 0, or why the queue refuses it. */
  blk_rq_append_bio(req: Request): number {
    const err = appendBioError(req.bvecs, BigInt(this.#api.env.dev.ir.minAlignMask))
    this.#api.env.trace.record('blk_rq_append_bio', { nr_bvecs: bioBvecs(req.bvecs).length }, err, err ? { errno: errnoName(err) } : undefined)
    return err
  }

  newIter(): BlkDmaIter {
    return { addr: 0n, len: 0n, status: 'BLK_STS_OK', p2pdma: newP2pState() }
  }

  #attrs(map: P2pMapType): number {
    // 6.19+: "block-dma: properly take MMIO path"; before, host-bridge pages mapped like RAM.
    return map === 'PCI_P2PDMA_MAP_THRU_HOST_BRIDGE' && this.#api.env.has('blk-mmio-host-bridge') ? MMIO : 0
  }

  /**
   * blk_can_dma_map_iova(): the request's phys_gap_bit has no bit inside the
   * IOMMU's merge boundary. blk_rq_append_bio() takes it from the gaps
   * between the bio's bvecs (bio_split_io_at(), bvec_seg_gap(): the next
   * one's offset | the end of the previous one, in their pages;
   * block/blk-merge.c), so where the iterator later cuts a bvec (at
   * max_segment_size or seg_boundary_mask) is no gap.
   */
  #canMapIova(req: Request): boolean {
    let gaps = 0n
    let prev: Bvec | undefined
    for (const b of bioBvecs(req.bvecs)) {
      if (prev !== undefined) gaps |= offsetInPage(b.phys) | (offsetInPage(prev.phys) + prev.len)
      prev = b
    }
    return (gaps & m.mergeBoundary(this.#api.env)) === 0n
  }

  /** blk_dma_map_direct(): the segment's own dma_map_phys() (6.18; dma_map_page() before), made by `via`. */
  #mapDirect(req: Request, iter: BlkDmaIter, seg: PhysSeg, via: string): boolean {
    const env = this.#api.env
    const attrs = this.#attrs(iter.p2pdma.map as P2pMapType)
    const addr = env.has('dma-map-phys') ? m.mapPhys(env, seg.paddr, seg.len, req.dir, attrs) : m.mapPage(env, seg.paddr, seg.len, req.dir, attrs)
    const call = mapArgs(env, seg.paddr, seg.len, req.dir, attrs)
    helperCall(env, via, call.fn, call.args, addr)
    if (m.mappingError(env, addr)) {
      iter.status = 'BLK_STS_RESOURCE'
      return false
    }
    iter.addr = addr
    iter.len = seg.len
    return true
  }

  /** blk_rq_dma_map_iova(): every segment linked into the IOVA range, then one sync. */
  #mapIova(req: Request, state: DmaIovaState, iter: BlkDmaIter, first: PhysSeg): boolean {
    const env = this.#api.env
    const tracker = this.#api.tracker
    const attrs = this.#attrs(iter.p2pdma.map as P2pMapType)
    const via = 'blk_rq_dma_map_iter_start'
    const dir = DIR_NAME[req.dir]
    let mapped = 0n
    let err = 0
    let seg: PhysSeg | undefined = first
    while (seg !== undefined) {
      const args = { 'state.addr': state.addr, phys: seg.paddr, offset: mapped, size: seg.len, dir, attrs: attrNames(attrs) }
      err = iova.iovaLink(env, tracker, state, seg.paddr, mapped, seg.len, req.dir, attrs)
      helperCall(env, via, 'dma_iova_link', args, err, err ? errnoName(err) : undefined)
      if (err) break
      mapped += seg.len
      seg = req.segs[req.next++]
    }
    if (err && !env.has('blk-iova-link-error-ignored')) {
      const args = { 'state.addr': state.addr, mapped_len: mapped, dir, attrs: attrNames(attrs) }
      iova.iovaDestroy(env, tracker, state, mapped, req.dir, attrs)
      helperCall(env, via, 'dma_iova_destroy', args, null)
      iter.status = errnoToBlkStatus(err)
      return false
    }
    if (err)
      env.reporter.report(
        'MAP',
        'error',
        'kernel',
        `blk_rq_dma_map_iova: ${env.dev.name} ${env.dev.bdf}: dma_iova_link() failed (${errnoName(err)}) after ${hex(mapped)} bytes and the error was ignored (fixed in 7.0)`,
      )
    err = iova.iovaSync(env, tracker, state, 0n, mapped)
    helperCall(env, via, 'dma_iova_sync', { 'state.addr': state.addr, offset: 0n, size: mapped }, err)
    if (err) {
      iter.status = errnoToBlkStatus(err)
      return false
    }
    iter.addr = state.addr
    iter.len = iova.dmaIovaSize(state)
    return true
  }

  /** blk_rq_dma_map_iter_start(). */
  blk_rq_dma_map_iter_start(req: Request, state: DmaIovaState, iter: BlkDmaIter): boolean {
    const env = this.#api.env
    const t = env.trace
    const payload = req.bvecs.reduce((n, b) => n + b.len, 0n)
    const args = { nr_phys_segments: req.segs.length, payload_bytes: payload }
    iter.p2pdma = newP2pState()
    iter.status = 'BLK_STS_OK'
    if (t.shouldFail()) {
      iter.status = 'BLK_STS_RESOURCE'
      t.record('blk_rq_dma_map_iter_start', args, false, { errno: iter.status, injected: true })
      return false
    }
    const ok = this.#start(req, state, iter, payload)
    t.record(
      'blk_rq_dma_map_iter_start',
      ok ? { ...args, 'iter.addr': iter.addr, 'iter.len': iter.len } : args,
      ok,
      iter.status !== 'BLK_STS_OK' ? { errno: iter.status } : undefined,
    )
    return ok
  }

  #start(req: Request, state: DmaIovaState, iter: BlkDmaIter, payload: bigint): boolean {
    const env = this.#api.env
    req.next = 0
    const seg = req.segs[req.next++]
    if (seg === undefined) return false
    const map = env.p2p.state(iter.p2pdma, seg.paddr)
    iter.p2pdma.map = map
    if (map === 'PCI_P2PDMA_MAP_BUS_ADDR') {
      iter.addr = env.p2p.busAddr(iter.p2pdma, seg.paddr)
      iter.len = seg.len
      env.windows.open(iter.addr, iter.len, 'pci bus address')
      req.bus.push({ addr: iter.addr, len: iter.len })
      return true
    }
    if (map !== 'PCI_P2PDMA_MAP_NONE' && map !== 'PCI_P2PDMA_MAP_THRU_HOST_BRIDGE') {
      iter.status = 'BLK_STS_INVAL'
      return false
    }
    if (this.#canMapIova(req)) {
      const ok = iova.iovaTryAlloc(env, this.#api.tracker, state, seg.paddr, payload)
      helperCall(env, 'blk_rq_dma_map_iter_start', 'dma_iova_try_alloc', ok ? { phys: seg.paddr, size: payload, 'state.addr': state.addr } : { phys: seg.paddr, size: payload }, ok)
      if (ok) return this.#mapIova(req, state, iter, seg)
    }
    state.addr = 0n
    state.size = 0n
    state.track = undefined
    return this.#mapDirect(req, iter, seg, 'blk_rq_dma_map_iter_start')
  }

  /** blk_rq_dma_map_iter_next(). */
  blk_rq_dma_map_iter_next(req: Request, state: DmaIovaState, iter: BlkDmaIter): boolean {
    const env = this.#api.env
    const t = env.trace
    if (t.shouldFail()) {
      iter.status = 'BLK_STS_RESOURCE'
      t.loop('blk_rq_dma_map_iter_next', {}, false, { errno: iter.status, injected: true })
      return false
    }
    let ok = false
    const seg = iova.dmaUseIova(state) ? undefined : req.segs[req.next++]
    if (seg !== undefined) {
      if (iter.p2pdma.map === 'PCI_P2PDMA_MAP_BUS_ADDR') {
        iter.addr = env.p2p.busAddr(iter.p2pdma, seg.paddr)
        iter.len = seg.len
        env.windows.open(iter.addr, iter.len, 'pci bus address')
        req.bus.push({ addr: iter.addr, len: iter.len })
        ok = true
      } else ok = this.#mapDirect(req, iter, seg, 'blk_rq_dma_map_iter_next')
    }
    t.loop(
      'blk_rq_dma_map_iter_next',
      ok ? { 'iter.addr': iter.addr, 'iter.len': iter.len } : {},
      ok,
      iter.status !== 'BLK_STS_OK' ? { errno: iter.status } : undefined,
    )
    return ok
  }

  /** blk_rq_dma_map_coalesce(). */
  blk_rq_dma_map_coalesce(state: DmaIovaState): boolean {
    const ret = iova.dmaUseIova(state)
    this.#api.env.trace.record('blk_rq_dma_map_coalesce', {}, ret)
    return ret
  }

  /** blk_rq_dma_unmap(): true when nothing is left for the driver to unmap. */
  blk_rq_dma_unmap(req: Request, state: DmaIovaState, mappedLen: bigint, map: P2pMapType): boolean {
    const env = this.#api.env
    let ret: boolean
    if (map === 'PCI_P2PDMA_MAP_BUS_ADDR') {
      for (const b of req.bus) env.windows.close(b.addr, b.len)
      ret = true
    } else if (iova.dmaUseIova(state)) {
      const attrs = this.#attrs(map)
      const args = { 'state.addr': state.addr, mapped_len: mappedLen, dir: DIR_NAME[req.dir], attrs: attrNames(attrs) }
      iova.iovaDestroy(env, this.#api.tracker, state, mappedLen, req.dir, attrs)
      // An inline of include/linux/blk-mq-dma.h: the driver itself calls dma_iova_destroy().
      helperCall(env, 'blk_rq_dma_unmap', 'dma_iova_destroy', args, null)
      ret = true
    } else ret = !m.needUnmap(env)
    env.trace.record('blk_rq_dma_unmap', { mapped_len: mappedLen, map }, ret)
    return ret
  }

  /** The driver's own unmap of one segment when blk_rq_dma_unmap() returned false. */
  unmapSegment(addr: bigint, len: bigint, dir: DmaDir, map: P2pMapType): void {
    const attrs = this.#attrs(map)
    if (this.#api.env.has('dma-map-phys')) this.#api.dma_unmap_phys(addr, len, dir, attrs)
    else this.#api.dma_unmap_page_attrs(addr, len, dir, attrs)
  }

  static readonly ERROR = DMA_MAPPING_ERROR
}
