/**
 * Simulator benchmark: page links per second and bytes of simulated state
 * per mapped page, for an IOVA map (one dma_iova_link of the whole range)
 * and an HMM map (one hmm_dma_map_pfn per page), at 64 Ki, 256 Ki and
 * 1 Mi pages (4 GiB), side by side with a reference implementation that
 * keeps the page table in a Map (one object per page) in the same run.
 *
 *   npm run build && node --expose-gc bench/sim-links.mjs
 *
 * Links per second time the mapping calls only (the IOVA allocation, the
 * links, the syncs, the HMM bookkeeping); "end to end" is simulate() of a
 * map-and-unmap plan, result document included. State bytes count the
 * typed arrays the model holds for the mapping (page table, IOVA-API
 * tracker, HMM pfn/flag arrays, the device's page table), cross-checked by
 * the heap growth measured around the map.
 */
import { platform } from '../dist/index.js'
import { simulate } from '../dist/sim/index.js'
import { Machine } from '../dist/sim/run/machine.js'
import { mapIova } from '../dist/strategies/iova/sim.js'
import { mapHmm } from '../dist/strategies/hmm/sim.js'
import { DMA_BIDIRECTIONAL, IOMMU_READ, IOMMU_WRITE, IOMMU_CACHE } from '../dist/sim/consts.js'

const SIZES = [65536, 262144, 1048576]
const gc = globalThis.gc ?? (() => {})
const heap = () => {
  gc()
  gc()
  const m = process.memoryUsage()
  return m.heapUsed + m.arrayBuffers
}

function plan(strategy, pages) {
  const host = platform({ kernel: '7.0', iommu: { mode: 'translated', flush: 'strict' }, ramBytes: 16n << 30n })
  const nic = host.device('mlx5_0', { dmaMask: 64 })
  const buf = host.ram('buf', { pages })
  return host.plan(nic, { name: 'bench' }).transaction('mr', { strategy, dir: 'bidirectional' }, [buf]).unmap('mr').build()
}

/** The model: time and state of the map step alone. */
function model(strategy, pages) {
  const p = plan(strategy, pages)
  const m = new Machine(p)
  const step = p.steps[0]
  const ctx = { m, api: m.api, step, regions: [m.regions.get('buf')], dir: DMA_BIDIRECTIONAL, attrs: 0 }
  const before = heap()
  const t0 = process.hrtime.bigint()
  const out = strategy === 'iova' ? mapIova(ctx) : mapHmm(ctx)
  const ns = Number(process.hrtime.bigint() - t0)
  if (!out.ok) throw new Error(out.error)
  const heapBytes = heap() - before
  const counted = m.domain.pgtable.stateBytes + m.tracker.stateBytes + out.mapping.stateBytes()
  if (m.domain.pgtable.present !== pages) throw new Error('not every page is linked')
  return { ns, counted, heapBytes, keep: [m, out] }
}

/** The reference: the same links into a Map-based page table (and, for HMM, a Map of per-page entries). */
function reference(strategy, pages) {
  const before = heap()
  const t0 = process.hrtime.bigint()
  const table = new Map()
  const base = 0xffff0000000 / 4096
  const phys = 0x100000
  const prot = IOMMU_READ | IOMMU_WRITE | IOMMU_CACHE
  const hmm = strategy === 'hmm' ? new Map() : undefined
  for (let i = 0; i < pages; i++) {
    if (table.has(base + i)) throw new Error('remap')
    table.set(base + i, { phys: phys + i, prot, synced: strategy === 'hmm' })
    if (hmm) hmm.set(i, { pfn: phys + i, flags: 3, dma: (base + i) * 4096 })
  }
  const ns = Number(process.hrtime.bigint() - t0)
  const heapBytes = heap() - before
  return { ns, heapBytes, keep: [table, hmm] }
}

function endToEnd(strategy, pages) {
  const p = plan(strategy, pages)
  const t0 = process.hrtime.bigint()
  const r = simulate(p)
  const ns = Number(process.hrtime.bigint() - t0)
  if (!r.ok) throw new Error('simulation failed')
  return ns
}

const best = (f, n = 5) => {
  let b
  for (let i = 0; i < n; i++) {
    const r = f()
    if (b === undefined || r.ns < b.ns) b = r
  }
  return b
}

const fmt = (x, d = 1) => x.toFixed(d).padStart(8)
console.log(`node ${process.version}, ${process.platform}/${process.arch}${globalThis.gc ? '' : ' (run with --expose-gc for heap figures)'}`)
console.log('what          pages    model Mlinks/s  ns/page  state B/page  heap B/page | reference Mlinks/s  heap B/page | end-to-end ms')
for (const strategy of ['iova', 'hmm']) {
  // Warm up the JIT first.
  for (let i = 0; i < 3; i++) {
    model(strategy, 65536)
    reference(strategy, 65536)
    endToEnd(strategy, 65536)
  }
  for (const pages of SIZES) {
    const mo = best(() => model(strategy, pages))
    const re = best(() => reference(strategy, pages))
    const e2e = Math.min(endToEnd(strategy, pages), endToEnd(strategy, pages), endToEnd(strategy, pages)) / 1e6
    console.log(
      `${strategy.padEnd(8)} ${String(pages).padStart(10)} ${fmt(pages / (mo.ns / 1e9) / 1e6, 2)}         ${fmt(mo.ns / pages)}  ${fmt(mo.counted / pages)}      ${fmt(mo.heapBytes / pages)} | ${fmt(pages / (re.ns / 1e9) / 1e6, 2)}         ${fmt(re.heapBytes / pages)}    | ${fmt(e2e)}`,
    )
  }
}
