/**
 * dma-debug's hash of entries (kernel/dma/debug.c dma_entry_hash[]): 16384
 * buckets by DMA address, each a list in insertion order (list_add_tail),
 * walked front to back by the lookups. The entries are kept in typed arrays,
 * one per field, with the bucket lists and a chain per 8 KiB granule of
 * DMA address (hash_fn()'s unit) as index links, so a scatterlist of
 * sixteen million segments costs tens of bytes per entry, and an unmap or a
 * sync finds its entry without walking a bucket of thousands.
 */
import { HASH_FN_SHIFT, HASH_SIZE } from '../consts.js'
import type { DmaDir } from '../consts.js'
import { U64Map } from '../u64-map.js'

export const DEBUG_TYPES = ['single', 'page', 'scatter-gather', 'coherent', 'resource', 'noncoherent', 'phy'] as const
export type DebugType = (typeof DEBUG_TYPES)[number]

export const MAP_ERR = ['not-checked', 'checked', 'none'] as const
export type MapErr = (typeof MAP_ERR)[number]

/** One entry as plain values (struct dma_debug_entry's fields the checks read). */
export interface DebugEntry {
  readonly type: DebugType
  readonly devAddr: bigint
  readonly size: bigint
  readonly paddr: bigint
  readonly dir: DmaDir
  readonly sgCallEnts: number
  readonly sgMappedEnts: number
  readonly mapErr: MapErr
  readonly ignoreCachelines: boolean
  /** The attributes the mapping was made with (compared at unmap from 7.2). */
  readonly attrs: number
}

/** The end of a list. */
export const NIL = -1

const grown = <T extends Uint8Array | Int32Array | BigUint64Array>(a: T, make: (n: number) => T): T => {
  const b = make(a.length * 2)
  b.set(a as never)
  return b
}

const SHIFT = BigInt(HASH_FN_SHIFT)

/** hash_fn(): bits 13 and up of the DMA address. */
export const bucketOf = (addr: bigint): number => Number((addr >> SHIFT) & BigInt(HASH_SIZE - 1))

export class DebugEntries {
  #type = new Uint8Array(64)
  #dir = new Uint8Array(64)
  #mapErr = new Uint8Array(64)
  #ignore = new Uint8Array(64)
  #attrs = new Int32Array(64)
  #sgCallEnts = new Int32Array(64)
  #sgMappedEnts = new Int32Array(64)
  #devAddr = new BigUint64Array(64)
  #size = new BigUint64Array(64)
  #paddr = new BigUint64Array(64)
  /** Bucket list links. */
  #next = new Int32Array(64)
  #prev = new Int32Array(64)
  /** Links of the chain of entries in one granule of DMA address, in bucket order; a chain's head's #aprev is its tail. */
  #anext = new Int32Array(64)
  #aprev = new Int32Array(64)
  readonly #head = new Int32Array(HASH_SIZE).fill(NIL)
  readonly #tail = new Int32Array(HASH_SIZE).fill(NIL)
  /** Granule (DMA address >> HASH_FN_SHIFT) -> its first entry. */
  readonly #byGranule = new U64Map()
  /** The largest size an entry of each bucket has had (never lowered: a bound). */
  readonly #maxSize = new BigUint64Array(HASH_SIZE)
  #used = 0
  readonly #free: number[] = []
  #count = 0

  get count(): number {
    return this.#count
  }

  #grow(): void {
    this.#type = grown(this.#type, (n) => new Uint8Array(n))
    this.#dir = grown(this.#dir, (n) => new Uint8Array(n))
    this.#mapErr = grown(this.#mapErr, (n) => new Uint8Array(n))
    this.#ignore = grown(this.#ignore, (n) => new Uint8Array(n))
    this.#attrs = grown(this.#attrs, (n) => new Int32Array(n))
    this.#sgCallEnts = grown(this.#sgCallEnts, (n) => new Int32Array(n))
    this.#sgMappedEnts = grown(this.#sgMappedEnts, (n) => new Int32Array(n))
    this.#devAddr = grown(this.#devAddr, (n) => new BigUint64Array(n))
    this.#size = grown(this.#size, (n) => new BigUint64Array(n))
    this.#paddr = grown(this.#paddr, (n) => new BigUint64Array(n))
    this.#next = grown(this.#next, (n) => new Int32Array(n))
    this.#prev = grown(this.#prev, (n) => new Int32Array(n))
    this.#anext = grown(this.#anext, (n) => new Int32Array(n))
    this.#aprev = grown(this.#aprev, (n) => new Int32Array(n))
  }

  /** hash_bucket_add(): at the tail of its bucket. Returns the entry's id. */
  add(e: DebugEntry): number {
    let id = this.#free.pop()
    if (id === undefined) {
      if (this.#used === this.#type.length) this.#grow()
      id = this.#used++
    }
    this.#type[id] = DEBUG_TYPES.indexOf(e.type)
    this.#dir[id] = e.dir
    this.#mapErr[id] = MAP_ERR.indexOf(e.mapErr)
    this.#ignore[id] = e.ignoreCachelines ? 1 : 0
    this.#attrs[id] = e.attrs
    this.#sgCallEnts[id] = e.sgCallEnts
    this.#sgMappedEnts[id] = e.sgMappedEnts
    this.#devAddr[id] = e.devAddr
    this.#size[id] = e.size
    this.#paddr[id] = e.paddr
    const b = bucketOf(e.devAddr)
    const tail = this.#tail[b] as number
    this.#prev[id] = tail
    this.#next[id] = NIL
    if (tail === NIL) this.#head[b] = id
    else this.#next[tail] = id
    this.#tail[b] = id
    if (e.size > (this.#maxSize[b] as bigint)) this.#maxSize[b] = e.size
    const g = e.devAddr >> SHIFT
    const first = this.#byGranule.get(g)
    this.#anext[id] = NIL
    if (first === NIL) {
      this.#byGranule.set(g, id)
      this.#aprev[id] = id
    } else {
      const last = this.#aprev[first] as number
      this.#anext[last] = id
      this.#aprev[id] = last
      this.#aprev[first] = id
    }
    this.#count++
    return id
  }

  /** hash_bucket_del(). */
  del(id: number): void {
    const b = bucketOf(this.#devAddr[id] as bigint)
    const p = this.#prev[id] as number
    const n = this.#next[id] as number
    if (p === NIL) this.#head[b] = n
    else this.#next[p] = n
    if (n === NIL) this.#tail[b] = p
    else this.#prev[n] = p
    const g = (this.#devAddr[id] as bigint) >> SHIFT
    const first = this.#byGranule.get(g)
    const an = this.#anext[id] as number
    if (id === first) {
      if (an === NIL) this.#byGranule.delete(g)
      else {
        this.#aprev[an] = this.#aprev[id] as number
        this.#byGranule.set(g, an)
      }
    } else {
      const ap = this.#aprev[id] as number
      this.#anext[ap] = an
      if (an === NIL) this.#aprev[first] = ap
      else this.#aprev[an] = ap
    }
    this.#free.push(id)
    this.#count--
  }

  /** The first entry of bucket `b`, then #next(): the bucket walk of the kernel's lookups. */
  bucketHead(b: number): number {
    return this.#head[b] as number
  }

  bucketNext(id: number): number {
    return this.#next[id] as number
  }

  /** The entries whose DMA address is in granule `g` (address >> HASH_FN_SHIFT), in bucket order: inGranule(), then granuleNext(). */
  inGranule(g: bigint): number {
    return this.#byGranule.get(g)
  }

  granuleNext(id: number): number {
    return this.#anext[id] as number
  }

  /** An upper bound of the sizes of bucket b's entries. */
  maxSize(b: number): bigint {
    return this.#maxSize[b] as bigint
  }

  /** The last entry of the highest bucket that holds one: what device_dma_allocations() leaves in *out_entry. */
  last(): number {
    for (let b = HASH_SIZE - 1; b >= 0; b--) if (this.#tail[b] !== NIL) return this.#tail[b] as number
    return NIL
  }

  /** Every entry, bucket by bucket. */
  *ids(): Generator<number> {
    for (let b = 0; b < HASH_SIZE; b++) for (let id = this.#head[b] as number; id !== NIL; id = this.#next[id] as number) yield id
  }

  type(id: number): DebugType {
    return DEBUG_TYPES[this.#type[id] as number] as DebugType
  }

  dir(id: number): DmaDir {
    return this.#dir[id] as DmaDir
  }

  devAddr(id: number): bigint {
    return this.#devAddr[id] as bigint
  }

  size(id: number): bigint {
    return this.#size[id] as bigint
  }

  paddr(id: number): bigint {
    return this.#paddr[id] as bigint
  }

  sgCallEnts(id: number): number {
    return this.#sgCallEnts[id] as number
  }

  sgMappedEnts(id: number): number {
    return this.#sgMappedEnts[id] as number
  }

  mapErr(id: number): MapErr {
    return MAP_ERR[this.#mapErr[id] as number] as MapErr
  }

  setMapErr(id: number, v: MapErr): void {
    this.#mapErr[id] = MAP_ERR.indexOf(v)
  }

  ignoreCachelines(id: number): boolean {
    return this.#ignore[id] === 1
  }

  attrs(id: number): number {
    return this.#attrs[id] as number
  }

  entry(id: number): DebugEntry {
    return {
      type: this.type(id),
      devAddr: this.devAddr(id),
      size: this.size(id),
      paddr: this.paddr(id),
      dir: this.dir(id),
      sgCallEnts: this.sgCallEnts(id),
      sgMappedEnts: this.sgMappedEnts(id),
      mapErr: this.mapErr(id),
      ignoreCachelines: this.ignoreCachelines(id),
      attrs: this.attrs(id),
    }
  }
}
