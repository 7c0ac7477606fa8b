/**
 * The DMA API as a driver calls it: every function records itself in the
 * trace with its arguments and result, and each fallible one first asks the
 * fault injector whether to fail (returning its natural failure value and
 * doing nothing else). Strategy modules call only these, in the order the
 * generated C does.
 */
import { DMA_BIT_MASK } from '../addr.js'
import { DIR_NAME, DMA_MAPPING_ERROR, ERRNO, errnoName, offsetInPage, physPfn } from '../consts.js'
import type { DmaDir } from '../consts.js'
import type { Trace } from '../trace.js'
import { attrNames } from './attrs.js'
import * as parms from './dma-parms.js'
import type { Env } from './env.js'
import * as iova from './iova-api.js'
import type { DmaIovaState } from './iova-api.js'
import type { IovaTracker } from './iova-tracker.js'
import * as m from './mapping.js'
import type { P2pMapType, P2pState } from './p2pdma.js'
import { buildSgTable, dmaSegmentRuns, formatDmaSegs, sgTableBytes } from './scatterlist.js'
import type { SgRange, SgTable } from './scatterlist.js'

const dirArg = (d: DmaDir): string => DIR_NAME[d]

export class DmaApi {
  readonly env: Env
  readonly tracker: IovaTracker
  readonly #t: Trace

  constructor(env: Env, tracker: IovaTracker) {
    this.env = env
    this.tracker = tracker
    this.#t = env.trace
  }

  get trace(): Trace {
    return this.#t
  }

  // ---- single mappings -------------------------------------------------------------------

  dma_map_phys(phys: bigint, size: bigint, dir: DmaDir, attrs: number): bigint {
    const args = { phys, size, dir: dirArg(dir), attrs: attrNames(attrs) }
    if (this.#t.shouldFail()) return this.#fail('dma_map_phys', args, DMA_MAPPING_ERROR)
    const ret = m.mapPhys(this.env, phys, size, dir, attrs)
    this.#t.record('dma_map_phys', args, ret)
    return ret
  }

  dma_unmap_phys(addr: bigint, size: bigint, dir: DmaDir, attrs: number): void {
    m.unmapPhys(this.env, addr, size, dir, attrs)
    this.#t.record('dma_unmap_phys', { addr, size, dir: dirArg(dir), attrs: attrNames(attrs) }, null)
  }

  dma_map_page_attrs(phys: bigint, size: bigint, dir: DmaDir, attrs: number): bigint {
    const args = { page_pfn: physPfn(phys), offset: offsetInPage(phys), size, dir: dirArg(dir), attrs: attrNames(attrs) }
    if (this.#t.shouldFail()) return this.#fail('dma_map_page_attrs', args, DMA_MAPPING_ERROR)
    const ret = m.mapPage(this.env, phys, size, dir, attrs)
    this.#t.record('dma_map_page_attrs', args, ret)
    return ret
  }

  dma_unmap_page_attrs(addr: bigint, size: bigint, dir: DmaDir, attrs: number): void {
    m.unmapPage(this.env, addr, size, dir, attrs)
    this.#t.record('dma_unmap_page_attrs', { addr, size, dir: dirArg(dir), attrs: attrNames(attrs) }, null)
  }

  dma_map_resource(phys: bigint, size: bigint, dir: DmaDir, attrs: number): bigint {
    const args = { phys, size, dir: dirArg(dir), attrs: attrNames(attrs) }
    if (this.#t.shouldFail()) return this.#fail('dma_map_resource', args, DMA_MAPPING_ERROR)
    const ret = m.mapResource(this.env, phys, size, dir, attrs)
    this.#t.record('dma_map_resource', args, ret)
    return ret
  }

  dma_unmap_resource(addr: bigint, size: bigint, dir: DmaDir, attrs: number): void {
    m.unmapResource(this.env, addr, size, dir, attrs)
    this.#t.record('dma_unmap_resource', { addr, size, dir: dirArg(dir), attrs: attrNames(attrs) }, null)
  }

  dma_mapping_error(addr: bigint): number {
    const ret = m.mappingError(this.env, addr)
    this.#t.record('dma_mapping_error', { addr }, ret, ret ? { errno: errnoName(ret) } : undefined)
    return ret
  }

  dma_sync_single_for_cpu(addr: bigint, size: bigint, dir: DmaDir): void {
    m.syncSingle(this.env, addr, size, dir, true)
    this.#t.record('dma_sync_single_for_cpu', { addr, size, dir: dirArg(dir) }, null)
  }

  dma_sync_single_for_device(addr: bigint, size: bigint, dir: DmaDir): void {
    m.syncSingle(this.env, addr, size, dir, false)
    this.#t.record('dma_sync_single_for_device', { addr, size, dir: dirArg(dir) }, null)
  }

  dma_need_unmap(): boolean {
    const ret = m.needUnmap(this.env)
    this.#t.record('dma_need_unmap', {}, ret)
    return ret
  }

  dma_max_mapping_size(): bigint {
    const ret = m.maxMappingSize(this.env)
    this.#t.record('dma_max_mapping_size', {}, ret)
    return ret
  }

  dma_get_merge_boundary(): bigint {
    const ret = m.mergeBoundary(this.env)
    this.#t.record('dma_get_merge_boundary', {}, ret)
    return ret
  }

  /**
   * dma_get_merge_boundary() without a trace line, for a driver step whose
   * call is not part of the recorded sequence (the granule mask an IOVA
   * user splits its syncs and links by). kernel/dma/mapping.c
   * dma_get_merge_boundary(): 0 without dma-iommu.
   */
  dma_get_merge_boundary_untraced(): bigint {
    return m.mergeBoundary(this.env)
  }

  /**
   * use_dma_iommu(dev) (include/linux/iommu-dma.h): the device's DMA goes
   * through dma-iommu. A test the kernel makes internally, never traced.
   */
  use_dma_iommu(): boolean {
    return this.env.dev.dmaIommu
  }

  /**
   * The driver skipped the unmap of [addr, addr + len) because
   * dma_need_unmap() said false (kernel/dma/mapping.c dma_need_unmap()). The
   * kernel calls nothing: the mapping simply ends. The simulator drops its
   * own records of it so it is not reported as a leak. Not traced (there is
   * no call).
   */
  dma_unmap_skipped(addr: bigint, len: bigint): void {
    this.env.forgetMapping(addr, len)
  }

  /**
   * dev_err(): the driver reports a failure of its own (drivers print it to
   * the kernel log, include/linux/dev_printk.h). Not part of the DMA trace.
   */
  dev_err(id: string, message: string): void {
    this.env.reporter.report(id, 'error', 'dmaplan', message)
  }

  // ---- scatterlists ----------------------------------------------------------------------

  sg_alloc_table(ranges: readonly SgRange[]): SgTable | number {
    const sgt = buildSgTable(ranges, this.env.dev.maxSegSize)
    const args = { nents: sgt.origNents }
    if (this.#t.shouldFail()) return this.#failErr('sg_alloc_table', args, -ERRNO.ENOMEM)
    this.#t.record('sg_alloc_table', args, 0)
    return sgt
  }

  sg_free_table(sgt: SgTable): void {
    this.#t.record('sg_free_table', { orig_nents: sgt.origNents, bytes: sgTableBytes(sgt) }, null)
  }

  dma_map_sgtable(sgt: SgTable, dir: DmaDir, attrs: number): number {
    const args = { orig_nents: sgt.origNents, dir: dirArg(dir), attrs: attrNames(attrs) }
    if (this.#t.shouldFail()) return this.#failErr('dma_map_sgtable', args, -ERRNO.ENOMEM)
    const n = m.mapSg(this.env, sgt, sgt.origNents, dir, attrs)
    if (n < 0) {
      this.#t.record('dma_map_sgtable', args, n, { errno: errnoName(n) })
      return n
    }
    sgt.nents = n
    // What the dma_map_sg trace event lists: the DMA entries, as address+length.
    this.#t.record('dma_map_sgtable', { ...args, dma_segs: formatDmaSegs(dmaSegmentRuns(sgt)) }, 0)
    return 0
  }

  dma_unmap_sgtable(sgt: SgTable, dir: DmaDir, attrs: number): void {
    m.unmapSg(this.env, sgt, sgt.origNents, dir, attrs)
    this.#t.record('dma_unmap_sgtable', { orig_nents: sgt.origNents, dir: dirArg(dir), attrs: attrNames(attrs) }, null)
  }

  /** dma_unmap_sg() with the entry count the driver passes (the table's own, unless the driver gets it wrong). */
  dma_unmap_sg(sgt: SgTable, nents: number, dir: DmaDir, attrs: number): void {
    m.unmapSg(this.env, sgt, nents, dir, attrs)
    this.#t.record('dma_unmap_sg', { nents, dir: dirArg(dir), attrs: attrNames(attrs) }, null)
  }

  /** dma_sync_sg_for_cpu()/_for_device() with the entry count the driver passes. */
  dma_sync_sg(sgt: SgTable, nents: number, dir: DmaDir, forCpu: boolean): void {
    m.syncSg(this.env, sgt, nents, dir, forCpu)
    this.#t.record(forCpu ? 'dma_sync_sg_for_cpu' : 'dma_sync_sg_for_device', { nents, dir: dirArg(dir) }, null)
  }

  dma_sync_sgtable_for_cpu(sgt: SgTable, dir: DmaDir): void {
    m.syncSg(this.env, sgt, sgt.origNents, dir, true)
    this.#t.record('dma_sync_sgtable_for_cpu', { orig_nents: sgt.origNents, dir: dirArg(dir) }, null)
  }

  dma_sync_sgtable_for_device(sgt: SgTable, dir: DmaDir): void {
    m.syncSg(this.env, sgt, sgt.origNents, dir, false)
    this.#t.record('dma_sync_sgtable_for_device', { orig_nents: sgt.origNents, dir: dirArg(dir) }, null)
  }

  // ---- coherent allocations -------------------------------------------------------------

  /** dma_alloc_coherent(): returns the DMA handle, or undefined for NULL. `phys` is where the page allocator puts it. */
  dma_alloc_coherent(size: bigint, phys: bigint): bigint | undefined {
    const args = { size, gfp: 'GFP_KERNEL' }
    if (this.#t.shouldFail()) {
      this.#t.record('dma_alloc_coherent', args, null, { errno: '-ENOMEM', injected: true })
      return undefined
    }
    const handle = m.allocCoherent(this.env, phys, size)
    if (handle === DMA_MAPPING_ERROR) {
      this.#t.record('dma_alloc_coherent', args, null, { errno: '-ENOMEM' })
      return undefined
    }
    // kernel/dma/direct.c dma_direct_alloc() -> dma_set_decrypted() -> set_memory_decrypted():
    // in a confidential guest the allocation is shared with the host.
    if (this.env.coco) this.env.set_memory_decrypted(phys, size)
    this.#t.record('dma_alloc_coherent', args, handle)
    return handle
  }

  dma_free_coherent(size: bigint, phys: bigint, handle: bigint): void {
    m.freeCoherent(this.env, phys, size, handle)
    this.#t.record('dma_free_coherent', { size, cpu_phys: phys, dma_handle: handle }, null)
  }

  // ---- the IOVA API ---------------------------------------------------------------------

  dma_iova_try_alloc(st: DmaIovaState, phys: bigint, size: bigint): boolean {
    const args = { phys, size }
    if (this.#t.shouldFail()) {
      st.addr = 0n
      st.size = 0n
      st.track = undefined
      this.#t.record('dma_iova_try_alloc', args, false, { injected: true })
      return false
    }
    const ok = iova.iovaTryAlloc(this.env, this.tracker, st, phys, size)
    this.#t.record('dma_iova_try_alloc', ok ? { ...args, 'state.addr': st.addr } : args, ok)
    return ok
  }

  dma_iova_link(st: DmaIovaState, phys: bigint, offset: bigint, size: bigint, dir: DmaDir, attrs: number): number {
    const args = { 'state.addr': st.addr, phys, offset, size, dir: dirArg(dir), attrs: attrNames(attrs) }
    if (this.#t.shouldFail()) return this.#failErr('dma_iova_link', args, -ERRNO.ENOMEM)
    const err = iova.iovaLink(this.env, this.tracker, st, phys, offset, size, dir, attrs)
    this.#t.record('dma_iova_link', args, err, err ? { errno: errnoName(err) } : undefined)
    return err
  }

  dma_iova_sync(st: DmaIovaState, offset: bigint, size: bigint): number {
    const args = { 'state.addr': st.addr, offset, size }
    if (this.#t.shouldFail()) return this.#failErr('dma_iova_sync', args, -ERRNO.ENOMEM)
    const err = iova.iovaSync(this.env, this.tracker, st, offset, size)
    this.#t.record('dma_iova_sync', args, err)
    return err
  }

  dma_iova_unlink(st: DmaIovaState, offset: bigint, size: bigint, dir: DmaDir, attrs: number): void {
    iova.iovaUnlinkInternal(this.env, this.tracker, st, offset, size, dir, attrs, false)
    this.#t.record('dma_iova_unlink', { 'state.addr': st.addr, offset, size, dir: dirArg(dir), attrs: attrNames(attrs) }, null)
  }

  dma_iova_destroy(st: DmaIovaState, mappedLen: bigint, dir: DmaDir, attrs: number): void {
    iova.iovaDestroy(this.env, this.tracker, st, mappedLen, dir, attrs)
    this.#t.record('dma_iova_destroy', { 'state.addr': st.addr, mapped_len: mappedLen, dir: dirArg(dir), attrs: attrNames(attrs) }, null)
  }

  dma_iova_free(st: DmaIovaState): void {
    iova.iovaFree(this.env, this.tracker, st)
    this.#t.record('dma_iova_free', { 'state.addr': st.addr, size: iova.dmaIovaSize(st) }, null)
  }

  // ---- P2P ------------------------------------------------------------------------------

  pci_p2pdma_state(st: P2pState, phys: bigint): P2pMapType {
    const ret = this.env.p2p.state(st, phys)
    this.#t.record('pci_p2pdma_state', { phys }, ret)
    return ret
  }

  pci_p2pdma_bus_addr_map(st: P2pState, phys: bigint): bigint {
    const ret = this.env.p2p.busAddr(st, phys)
    this.#t.record('pci_p2pdma_bus_addr_map', { phys }, ret)
    return ret
  }

  // ---- device set-up (dma-parms.ts) ------------------------------------------------------

  dma_set_mask_and_coherent(bits: number): number {
    const ret = parms.setMaskAndCoherent(this.env, bits)
    this.#t.record('dma_set_mask_and_coherent', { mask: DMA_BIT_MASK(bits) }, ret, ret ? { errno: errnoName(ret) } : undefined)
    return ret
  }

  dma_set_seg_boundary(mask: bigint): void {
    parms.setSegBoundary(this.env, mask)
    this.#t.record('dma_set_seg_boundary', { mask }, null)
  }

  dma_set_max_seg_size(size: number): void {
    parms.setMaxSegSize(this.env, size)
    this.#t.record('dma_set_max_seg_size', { size }, null)
  }

  dma_set_min_align_mask(mask: number): void {
    parms.setMinAlignMask(this.env, mask)
    this.#t.record('dma_set_min_align_mask', { min_align_mask: mask }, null)
  }

  // ---- helpers --------------------------------------------------------------------------

  #fail(fn: string, args: Record<string, bigint | number | string | boolean | null>, ret: bigint): bigint {
    this.#t.record(fn, args, ret, { injected: true })
    return ret
  }

  #failErr(fn: string, args: Record<string, bigint | number | string | boolean | null>, err: number): number {
    this.#t.record(fn, args, err, { errno: errnoName(err), injected: true })
    return err
  }
}
