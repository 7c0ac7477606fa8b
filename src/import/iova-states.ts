/**
 * A device's two-step IOVA API calls (iova-probes.ts) as `iova`
 * transactions: dma_iova_try_alloc() opens a state, each dma_iova_link()
 * adds a region at the next offset, dma_iova_sync() (or the state's first
 * other use) completes the map, which becomes one map step with the state's
 * address as the observed DMA address; dma_iova_unlink() of one linked
 * range is an unlink step and dma_iova_destroy() (or the driver's own
 * dma_iova_free() after unlinks) the unmap. This is how the block layer maps
 * a request (block/blk-mq-dma.c, blk_rq_dma_map_iova()): links back to back
 * from offset 0, each the length of a bio_vec, then one sync. A state linked
 * otherwise (gaps, or more than one range per offset) is not what the plan's
 * strategy does, and is left out with its reason.
 */
import { DMA_ATTR } from '../plan/kernel-consts.js'
import type { DmaAttrName } from '../plan/kernel-consts.js'
import { formatU64 as hex } from '../plan/u64.js'
import { unreachable } from '../plan/unreachable.js'
import type { TraceDir } from './events.js'
import { TRACE_DIRS } from './events.js'
import type { IovaCall } from './iova-probes.js'
import { iovaFunction } from './iova-probes.js'

/** What the importer's device traffic gives the IOVA states to work with. */
export interface IovaSink {
  region(phys: bigint, bytes: bigint): string
  /** A place in the steps for a map whose links are not known yet; the map made later fills it (or nothing, when the state is left out). */
  reserve(): Reserved
  /** Give a reserved place up: the state it was for is left out. */
  drop(at: Reserved): void
  /** A map step of strategy `iova` in a reserved place; attrs are the plan's DMA_ATTR_* names. */
  map(at: Reserved, line: number, dir: TraceDir, attrs: readonly string[], regions: readonly string[], dma: bigint, bytes: bigint, interrupted: boolean): string
  unmap(tx: string, line: number): void
  unlink(tx: string, region: string, line: number): void
  leftOut(why: string): void
  defect(line: number, text: string, check: 'D9'): void
  assume(text: string): void
}

/** A step's place, kept while its content is not known. */
export interface Reserved {
  readonly index: number
}

interface Link {
  readonly region: string
  readonly offset: bigint
  readonly bytes: bigint
}

interface State {
  readonly line: number
  /** The map's place: where dma_iova_try_alloc() took its IOVA, which later calls (an interrupt's unmap among the links) must follow. */
  readonly place: Reserved
  /** An interrupt came inside the calls just before the allocation (ObservedMap.interrupted). */
  readonly interrupted: boolean
  readonly allocated: bigint
  readonly links: Link[]
  dir: TraceDir
  attrs: number
  /** The transaction, once the map is complete. */
  tx?: string
  /** Linked otherwise than back to back: left out. */
  odd: boolean
}

/** The plan's attribute names of a DMA_ATTR_* bit set. */
function attrNames(bits: number): string[] {
  return (Object.keys(DMA_ATTR) as DmaAttrName[]).filter((k) => (bits & DMA_ATTR[k]) !== 0)
}

export class IovaStates {
  /** Open states by state->addr. */
  readonly #open = new Map<bigint, State>()
  /** Places taken at a dma_iova_try_alloc()'s entry, by its entry: the IOVA is taken then, before any interrupt that comes before its return. */
  readonly #begun = new Map<object, { readonly place: Reserved; readonly interrupted: boolean }>()

  constructor(readonly sink: IovaSink) {}

  /** A dma_iova_try_alloc() began (its entry, the key its return will bring): its map's place is here. */
  begin(entry: object, interrupted: boolean): void {
    this.#begun.set(entry, { place: this.sink.reserve(), interrupted })
  }

  /**
   * One call the driver made (not one the kernel made inside another), at its
   * trace line; `entry` the key begin() had for an allocation, `interruptedInside`
   * when an interrupt's calls came between the allocation's entry and return:
   * its IOVA may have been taken after them (from what they freed), so its map
   * goes after them, in doubt (ObservedMap.interrupted).
   */
  push(c: IovaCall, line: number, entry?: object, interruptedInside = false): void {
    const s = this.sink
    if (c.fn === 'iova_alloc') {
      const begun = entry === undefined ? undefined : this.#begun.get(entry)
      if (entry !== undefined) this.#begun.delete(entry)
      if (c.ok !== true) {
        if (begun !== undefined) s.drop(begun.place)
        if (c.ok === undefined) return s.leftOut('IOVA API calls that never returned in the trace')
        return s.leftOut('dma_iova_try_alloc() calls that said no (the driver falls back to mappings the trace shows)')
      }
      if (begun !== undefined && interruptedInside) s.drop(begun.place)
      const place = begun === undefined || interruptedInside ? s.reserve() : begun.place
      const interrupted = interruptedInside || (begun?.interrupted ?? false)
      this.#open.set(c.addr, { line, place, interrupted, allocated: c.size, links: [], dir: 'BIDIRECTIONAL', attrs: 0, odd: false })
      return
    }
    const st = this.#open.get(c.addr)
    if (st === undefined) return s.defect(line, `${iovaFunction(c.fn)}() at state.addr ${hex(c.addr)}, which no dma_iova_try_alloc() of the trace returned or which was already freed`, 'D9')
    switch (c.fn) {
      case 'iova_link': {
        if (c.ret !== 0) {
          st.odd = true
          return s.leftOut('IOVA states with a failed dma_iova_link()')
        }
        const next = st.links.reduce((n, l) => n + l.bytes, 0n)
        if (c.offset !== next || st.tx !== undefined) st.odd = true
        st.dir = (TRACE_DIRS as readonly string[]).includes(c.dir) ? (c.dir as TraceDir) : 'BIDIRECTIONAL'
        st.attrs = Number(c.attrs)
        st.links.push({ region: s.region(c.phys, c.size), offset: c.offset, bytes: c.size })
        return
      }
      case 'iova_sync':
        this.#complete(c.addr, st)
        return
      case 'iova_unlink': {
        const tx = this.#complete(c.addr, st)
        if (tx === undefined) return
        const link = st.links.find((l) => l.offset === c.offset && l.bytes === c.size)
        if (link === undefined) return s.leftOut('dma_iova_unlink() of part of a linked range')
        s.unlink(tx, link.region, line)
        return
      }
      case 'iova_destroy':
      case 'iova_free': {
        const tx = this.#complete(c.addr, st)
        this.#open.delete(c.addr)
        if (tx !== undefined) s.unmap(tx, line)
        return
      }
      default:
        unreachable(c)
    }
  }

  /** The end of the trace: a state still open holds what it linked (the simulation reports it as still mapped). */
  finish(): void {
    for (const b of this.#begun.values()) this.sink.drop(b.place)
    this.#begun.clear()
    for (const [addr, st] of this.#open) {
      if (st.tx !== undefined || st.odd) continue
      if (st.links.reduce((n, l) => n + l.bytes, 0n) === st.allocated) this.#complete(addr, st)
      else {
        this.sink.leftOut('IOVA states still being linked when the trace ends')
        this.sink.drop(st.place)
      }
    }
  }

  /** The state's map step, made once its links are all known; undefined when it cannot be a plan's transaction. */
  #complete(addr: bigint, st: State): string | undefined {
    if (st.tx !== undefined) return st.tx
    if (st.odd || st.links.length === 0) {
      if (st.links.length === 0) this.sink.leftOut('IOVA states used with nothing linked')
      else this.sink.leftOut('IOVA states not linked back to back from offset 0 (the plan links regions so)')
      this.sink.drop(st.place)
      this.#open.delete(addr)
      return undefined
    }
    const total = st.links.reduce((n, l) => n + l.bytes, 0n)
    if (total !== st.allocated)
      this.sink.assume('an IOVA state that links less than dma_iova_try_alloc() asked for is modelled as allocating what it links (the IOVA allocator may then place later mappings otherwise)')
    st.tx = this.sink.map(
      st.place,
      st.line,
      st.dir,
      attrNames(st.attrs),
      st.links.map((l) => l.region),
      addr,
      total,
      st.interrupted,
    )
    return st.tx
  }
}
