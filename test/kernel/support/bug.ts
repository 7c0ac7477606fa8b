/**
 * A bug scenario: a driver doing one wrong thing with the DMA API, written
 * as a list of calls in the project's terms (deliberately outside the plan
 * rules, which would refuse every one of them). The same list becomes a
 * small module (bug-module.ts) that does exactly that on a debug kernel, and
 * a run of the simulator's kernel-shaped API (simulateBug()); the kernel's
 * dma-debug lines and the simulator's must be the same.
 */
import { platform } from '../../../src/index.js'
import type { PlatformSpec } from '../../../src/index.js'
import type { KernelVersion } from '../../../src/plan/kernel.js'
import { kernelHas } from '../../../src/plan/kernel-changes.js'
import { decodePlan, encodePlan } from '../../../src/plan/load.js'
import type { Plan } from '../../../src/plan/ir.js'
import { formatU64 as hex } from '../../../src/plan/u64.js'
import { DMA_BIDIRECTIONAL, DMA_FROM_DEVICE, DMA_MAPPING_ERROR, DMA_TO_DEVICE } from '../../../src/sim/consts.js'
import type { DmaDir } from '../../../src/sim/consts.js'
import { buildSgTable } from '../../../src/sim/dma/scatterlist.js'
import type { SgTable } from '../../../src/sim/dma/scatterlist.js'
import type { DmaIovaState } from '../../../src/sim/dma/iova-api.js'
import { newIovaState } from '../../../src/sim/dma/iova-api.js'
import type { SimOptions } from '../../../src/sim/options.js'
import { Machine } from '../../../src/sim/run/machine.js'
import type { ReferencePlatformName } from './qemu.js'

export type Dir = 'to-device' | 'from-device' | 'bidirectional'

/**
 * One call. A handle names what a map returned; a later call refers to it.
 * Sizes default to what the handle was mapped with.
 */
export type BugCall =
  /** dma_map_phys() (dma_map_page_attrs() before 7.0), then dma_mapping_error() unless `check` is false. */
  | { readonly fn: 'map'; readonly handle: string; readonly buf: string; readonly dir: Dir; readonly offset?: number; readonly size?: number; readonly check?: boolean }
  /** dma_unmap_phys() (dma_unmap_page_attrs() before 7.0), or dma_unmap_resource() with `as`, at an offset from the handle; the handle 'error' is DMA_MAPPING_ERROR. */
  | { readonly fn: 'unmap'; readonly handle: string; readonly dir?: Dir; readonly size?: number; readonly offset?: number; readonly as?: 'resource' }
  /** dma_sync_single_for_cpu() or _for_device(), at an offset into the mapping. */
  | { readonly fn: 'sync'; readonly handle: string; readonly to: 'cpu' | 'device'; readonly dir?: Dir; readonly offset?: number; readonly size?: number }
  /** A scatterlist of the buffers, one entry each, mapped with dma_map_sg(). */
  | { readonly fn: 'map-sg'; readonly handle: string; readonly bufs: readonly string[]; readonly dir: Dir }
  /** dma_unmap_sg() with the table's entry count, or `nents`. */
  | { readonly fn: 'unmap-sg'; readonly handle: string; readonly dir?: Dir; readonly nents?: number }
  /** dma_sync_sg_for_cpu() or _for_device() with the table's entry count, or `nents`. */
  | { readonly fn: 'sync-sg'; readonly handle: string; readonly to: 'cpu' | 'device'; readonly dir?: Dir; readonly nents?: number }
  /** dma_alloc_coherent() of `size` bytes. */
  | { readonly fn: 'alloc-coherent'; readonly handle: string; readonly size: number }
  /** dma_free_coherent(), with the CPU address moved by `cpuOffset`. */
  | { readonly fn: 'free-coherent'; readonly handle: string; readonly cpuOffset?: number }
  /** dma_iova_try_alloc() of `size` bytes for a range that starts with the buffer (7.x). */
  | { readonly fn: 'iova-alloc'; readonly handle: string; readonly buf: string; readonly size: number }
  /** dma_iova_link() of the buffer at `offset` into the range; its result is compared. */
  | { readonly fn: 'iova-link'; readonly handle: string; readonly buf: string; readonly offset: number; readonly dir: Dir }
  /** dma_iova_sync() of [offset, offset + size); its result is compared. */
  | { readonly fn: 'iova-sync'; readonly handle: string; readonly offset: number; readonly size: number }
  /** dma_iova_unlink() of [offset, offset + size). */
  | { readonly fn: 'iova-unlink'; readonly handle: string; readonly offset: number; readonly size: number; readonly dir: Dir }
  /** dma_iova_destroy() with `mapped` bytes linked. */
  | { readonly fn: 'iova-destroy'; readonly handle: string; readonly mapped: number; readonly dir: Dir }

export interface Bug {
  /** The module's name, a C identifier. */
  readonly name: string
  /** What the driver gets wrong. */
  readonly about: string
  /** The QEMU set-up it runs on, and the same platform in the DSL's terms. */
  readonly platform: ReferencePlatformName
  readonly spec: PlatformSpec
  /** The device's DMA parameters where the driver sets them (dma_set_seg_boundary()). */
  readonly device?: { readonly segmentBoundary?: number }
  /** The boot parameter dma_debug_entries=: dma-debug's preallocated entries (65536 without it). */
  readonly debugEntries?: number
  /** Page-allocated RAM buffers. */
  readonly buffers: Readonly<Record<string, { readonly bytes: number; readonly offset?: number }>>
  readonly calls: readonly BugCall[]
  /** The simulator's finding the bug is there to trigger (src/sim/dma/debug.ts), or the kernel's silence where a release has no such check. */
  readonly check: string
  readonly since?: KernelVersion
  readonly until?: KernelVersion
}

export function bug(b: Bug): Bug {
  return b
}

/** The dma-debug lines the simulator prints, each without "DMA-API: " (its messages as the kernel has them). */
export interface BugSimulation {
  readonly reports: readonly string[]
  /** Every finding's id, in order. */
  readonly ids: readonly string[]
  /** The kernel functions that WARN()ed outside dma-debug, in order. */
  readonly warnings: readonly string[]
  /** What each map returned. */
  readonly handles: ReadonlyMap<string, bigint>
  /** The results the module reports, by the call's index: dma_iova_try_alloc() (1 or 0), dma_iova_link() and dma_iova_sync(). */
  readonly rets: ReadonlyMap<number, number>
  /** dma-debug's notes without a device (the entry pool growing), without "DMA-API: ". */
  readonly notes: readonly string[]
  /** dma-debug's entry pool when the module is loaded (nr_total_entries). */
  readonly pool: number
  /** The simulator's own findings about the calls (dmaplan's, not dma-debug's). */
  readonly own: readonly string[]
}

const DIRS: Record<Dir, DmaDir> = { 'to-device': DMA_TO_DEVICE, 'from-device': DMA_FROM_DEVICE, bidirectional: DMA_BIDIRECTIONAL }

/** The bug's buffers as a plan (the DSL, with the set-up's platform), the device named after the module. */
export function bugPlan(b: Bug, release: KernelVersion, phys: ReadonlyMap<string, bigint>): Plan {
  const host = platform({ ...b.spec, kernel: release })
  const edu = host.device(b.name, { dmaMask: 28, ...(b.device?.segmentBoundary === undefined ? {} : { segmentBoundary: b.device.segmentBoundary }) })
  const regions = Object.entries(b.buffers).map(([name, r]) => host.ram(name, { bytes: r.bytes, ...(r.offset ? { offset: r.offset } : {}) }))
  let builder = host.plan(edu, { name: b.name })
  for (const r of regions) builder = builder.cpuWrites(r)
  const json = encodePlan(builder.build())
  const decoded = decodePlan({ ...json, regions: (json.regions ?? []).map((r) => (phys.has(r.name) ? { ...r, phys: hex(phys.get(r.name) ?? 0n) } : r)) })
  if (!decoded.ok) throw new Error(`${b.name}: ${decoded.issues.map((i) => `${i.path}: ${i.message}`).join('; ')}`)
  return decoded.plan
}

/** The calls on the simulator's API, the driver unbound at the end (dma-debug's check of what is left). */
export function simulateBug(b: Bug, release: KernelVersion, phys: ReadonlyMap<string, bigint>, options: SimOptions): BugSimulation {
  const m = new Machine(bugPlan(b, release, phys), { ...options, dmaApiDebug: true, ...(b.debugEntries === undefined ? {} : { dmaDebugEntries: b.debugEntries }) })
  const pool = m.debug.poolSize
  const api = m.api
  const mapPhys = kernelHas(release, 'dma-map-phys')
  const handles = new Map<string, bigint>()
  const mapped = new Map<string, { phys: bigint; size: bigint; dir: DmaDir }>()
  const tables = new Map<string, { sgt: SgTable; dir: DmaDir }>()
  const coherent = new Map<string, { phys: bigint; size: bigint }>()
  const states = new Map<string, DmaIovaState>()
  const rets = new Map<number, number>()
  const state = (h: string): DmaIovaState => {
    let st = states.get(h)
    if (st === undefined) {
      st = newIovaState()
      states.set(h, st)
    }
    return st
  }
  const at = (buf: string): bigint => {
    const r = m.regions.get(buf)
    if (r === undefined) throw new Error(`${b.name}: no buffer ${buf}`)
    return r.phys
  }
  for (const [i, c] of b.calls.entries()) {
    switch (c.fn) {
      case 'iova-alloc':
        rets.set(i, api.dma_iova_try_alloc(state(c.handle), at(c.buf), BigInt(c.size)) ? 1 : 0)
        break
      case 'iova-link': {
        const size = BigInt(b.buffers[c.buf]?.bytes ?? 0)
        rets.set(i, api.dma_iova_link(state(c.handle), at(c.buf), BigInt(c.offset), size, DIRS[c.dir], 0))
        break
      }
      case 'iova-sync':
        rets.set(i, api.dma_iova_sync(state(c.handle), BigInt(c.offset), BigInt(c.size)))
        break
      case 'iova-unlink':
        api.dma_iova_unlink(state(c.handle), BigInt(c.offset), BigInt(c.size), DIRS[c.dir], 0)
        break
      case 'iova-destroy':
        api.dma_iova_destroy(state(c.handle), BigInt(c.mapped), DIRS[c.dir], 0)
        break
      case 'map': {
        const p = at(c.buf) + BigInt(c.offset ?? 0)
        const size = BigInt(c.size ?? b.buffers[c.buf]?.bytes ?? 0)
        const dir = DIRS[c.dir]
        const h = mapPhys ? api.dma_map_phys(p, size, dir, 0) : api.dma_map_page_attrs(p, size, dir, 0)
        if (c.check !== false) api.dma_mapping_error(h)
        handles.set(c.handle, h)
        mapped.set(c.handle, { phys: p, size, dir })
        break
      }
      case 'unmap': {
        const was = mapped.get(c.handle)
        const h = (c.handle === 'error' ? DMA_MAPPING_ERROR : (handles.get(c.handle) ?? 0n)) + BigInt(c.offset ?? 0)
        const size = c.size === undefined ? (was?.size ?? 0n) : BigInt(c.size)
        const dir = c.dir === undefined ? (was?.dir ?? DMA_BIDIRECTIONAL) : DIRS[c.dir]
        if (c.as === 'resource') api.dma_unmap_resource(h, size, dir, 0)
        else if (mapPhys) api.dma_unmap_phys(h, size, dir, 0)
        else api.dma_unmap_page_attrs(h, size, dir, 0)
        break
      }
      case 'sync': {
        const was = mapped.get(c.handle)
        const h = (handles.get(c.handle) ?? 0n) + BigInt(c.offset ?? 0)
        const size = c.size === undefined ? (was?.size ?? 0n) : BigInt(c.size)
        const dir = c.dir === undefined ? (was?.dir ?? DMA_BIDIRECTIONAL) : DIRS[c.dir]
        if (c.to === 'cpu') api.dma_sync_single_for_cpu(h, size, dir)
        else api.dma_sync_single_for_device(h, size, dir)
        break
      }
      case 'map-sg': {
        // One entry per buffer, as the module sets them, however long (not as a driver of the sg strategy cuts them).
        const sgt = buildSgTable(
          c.bufs.map((buf) => ({ region: buf, phys: at(buf), len: BigInt(b.buffers[buf]?.bytes ?? 0) })),
          Number.MAX_SAFE_INTEGER,
        )
        api.dma_map_sgtable(sgt, DIRS[c.dir], 0)
        tables.set(c.handle, { sgt, dir: DIRS[c.dir] })
        break
      }
      case 'unmap-sg': {
        const t = tables.get(c.handle)
        if (t === undefined) throw new Error(`${b.name}: no table ${c.handle}`)
        api.dma_unmap_sg(t.sgt, c.nents ?? t.sgt.origNents, c.dir === undefined ? t.dir : DIRS[c.dir], 0)
        break
      }
      case 'sync-sg': {
        const t = tables.get(c.handle)
        if (t === undefined) throw new Error(`${b.name}: no table ${c.handle}`)
        api.dma_sync_sg(t.sgt, c.nents ?? t.sgt.origNents, c.dir === undefined ? t.dir : DIRS[c.dir], c.to === 'cpu')
        break
      }
      case 'alloc-coherent': {
        // The page allocator's choice is not the model's to know: the buffer of the same name tells where it went.
        const p = phys.get(c.handle) ?? 0n
        const h = api.dma_alloc_coherent(BigInt(c.size), p) ?? 0n
        handles.set(c.handle, h)
        coherent.set(c.handle, { phys: p, size: BigInt(c.size) })
        mapped.set(c.handle, { phys: p, size: BigInt(c.size), dir: DMA_BIDIRECTIONAL })
        break
      }
      case 'free-coherent': {
        const a = coherent.get(c.handle)
        api.dma_free_coherent(a?.size ?? 0n, (a?.phys ?? 0n) + BigInt(c.cpuOffset ?? 0), handles.get(c.handle) ?? 0n)
        break
      }
    }
  }
  m.debug.release()
  const found = m.reporter.findings.filter((f) => f.source === 'dma-debug' && f.severity === 'error')
  const warnings = m.reporter.findings.filter((f) => f.source === 'kernel' && f.message.startsWith('WARNING: ')).map((f) => f.message.split(':')[1]?.trim() ?? '')
  const own = m.reporter.findings.filter((f) => f.source === 'dmaplan').map((f) => `${f.id}: ${f.message}`)
  const notes = m.reporter.findings.filter((f) => f.source === 'dma-debug' && f.severity === 'info').map((f) => f.message.replace(/^DMA-API: /, ''))
  return { reports: found.map((f) => f.message.replace(/^DMA-API: /, '')), ids: m.reporter.findings.map((f) => f.id), warnings, handles, rets, notes, pool, own }
}
