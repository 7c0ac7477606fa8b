/**
 * Every strategy (docs/strategies.md) runs as the kernel calls its generated C
 * would make; and every strategy unwinds a failure at any of its fallible
 * calls without leaving an IOVA, a page-table entry, a bounce slot or a
 * dma-debug entry behind.
 */
import { describe, expect, it } from 'vitest'
import type { PlanSpec } from './helpers.js'
import { map, ram, run, unmap, validPlan } from './helpers.js'
import { runPlan } from '../../src/sim/run/simulate.js'
import type { SimResult } from '../../src/sim/result/schema.js'
import { expandSegments } from '../../src/sim/result/segments.js'

const fns = (r: SimResult, i = 0) => r.transactions[i]?.calls.map((c) => c.fn) ?? []
/** The calls the driver makes itself (not those a kernel helper makes on its behalf, args.via). */
const driverCalls = (r: SimResult, i = 0) => r.transactions[i]?.calls.filter((c) => c.args.via === undefined) ?? []
const sw = { switches: [{ name: 'sw' }], device: { at: 'sw', dmaMask: 64 } }
const gpu = { name: 'gpu', at: 'sw', p2pMemory: { bytes: '0x1000000' } }
const far = { name: 'far', p2pMemory: { bytes: '0x1000000' } }
const vram = (name = 'v', bytes = 0x2000) => ({ name, memory: 'p2p', provider: 'gpu', bytes: `0x${bytes.toString(16)}` })

/** Nothing left after teardown. */
function clean(r: SimResult): void {
  expect(r.teardown.liveIovaPages).toBe(0)
  expect(r.teardown.livePtes).toBe(0)
  expect(r.teardown.bounceSlots).toBe(0)
  expect(r.teardown.dmaDebugEntries).toBe(0)
  expect(r.findings.filter((f) => f.id === 'LEAK')).toEqual([])
}

describe('strategies', () => {
  it('iova: try_alloc, one link per region, one sync, program one range, destroy', () => {
    const { result } = run({
      regions: [ram('a', 0x2000), ram('b', 0x3000)],
      steps: [map('t', 'iova', ['a', 'b']), { op: 'device-write', tx: 't', region: 'b' }, { op: 'cpu-read', region: 'b' }, unmap('t')],
    })
    expect(fns(result)).toEqual(['dma_iova_try_alloc', 'dma_iova_link', 'dma_iova_link', 'dma_iova_sync', 'dma_iova_destroy'])
    expect(result.transactions[0]?.segments).toHaveLength(1)
    expect(result.transactions[0]?.segments[0]?.len).toBe('0x5000')
    expect(result.transactions[0]?.metadataBytes).toBe(16)
    expect(result.ok).toBe(true)
    clean(result)
  })

  it('iova unlink: one region leaves the range, the device faults on it, the unmap unlinks the rest and frees the IOVA', () => {
    const { result } = run({
      regions: [ram('a', 0x2000), ram('b', 0x1000), ram('c', 0x1000)],
      steps: [
        map('t', 'iova', ['a', 'b', 'c']),
        { op: 'unlink', tx: 't', region: 'b' },
        { op: 'device-read', tx: 't', region: 'a' },
        { op: 'device-read', tx: 't', region: 'b' },
        unmap('t'),
      ],
    })
    const calls = result.transactions[0]?.calls ?? []
    expect(calls.map((c) => c.fn)).toEqual(['dma_iova_try_alloc', 'dma_iova_link', 'dma_iova_link', 'dma_iova_link', 'dma_iova_sync', 'dma_iova_unlink', 'dma_iova_unlink', 'dma_iova_unlink', 'dma_iova_free'])
    expect(calls.filter((c) => c.fn === 'dma_iova_unlink').map((c) => [c.args.offset, c.args.size])).toEqual([
      ['0x2000', '0x1000'],
      ['0x0', '0x2000'],
      ['0x3000', '0x1000'],
    ])
    // The read of a works; the read of b, no longer linked, is a DMAR fault.
    expect(result.findings.filter((f) => f.id === 'DMAR')).toHaveLength(1)
    clean(result)
  })

  it('iova unlink on the fallback path unmaps the region\'s ranges, and the unmap only the others', () => {
    const { result } = run({
      iommu: 'none',
      // Not coherent: dma_need_unmap() says yes, so the driver keeps its addresses and unmaps.
      device: { coherent: false },
      regions: [ram('a', 0x1000), ram('b', 0x1000)],
      steps: [map('t', 'iova', ['a', 'b']), { op: 'unlink', tx: 't', region: 'a' }, unmap('t')],
    })
    expect(fns(result)).toEqual(['dma_iova_try_alloc', 'dma_max_mapping_size', 'dma_map_phys', 'dma_mapping_error', 'dma_map_phys', 'dma_mapping_error', 'dma_need_unmap', 'dma_unmap_phys', 'dma_unmap_phys'])
    clean(result)
  })

  it('iova: host-bridge P2P memory is linked with DMA_ATTR_MMIO', () => {
    const { result } = run({
      hostBridgeP2P: true,
      devices: [far],
      regions: [{ name: 'v', memory: 'p2p', provider: 'far', bytes: '0x1000' }],
      steps: [map('t', 'iova', ['v']), unmap('t')],
    })
    expect(result.transactions[0]?.calls[1]?.args.attrs).toBe('DMA_ATTR_MMIO')
  })

  it('page: dma_map_phys from 6.18, dma_map_page_attrs/dma_map_resource before; pieces of dma_max_mapping_size', () => {
    const steps = [map('t', 'page', ['a'], 'to-device'), unmap('t')]
    expect(fns(run({ kernel: '6.18', regions: [ram('a', 0x1000)], steps }).result)).toEqual([
      'dma_max_mapping_size',
      'dma_map_phys',
      'dma_mapping_error',
      'dma_unmap_phys',
    ])
    expect(fns(run({ kernel: '6.12', regions: [ram('a', 0x1000)], steps }).result)).toEqual([
      'dma_max_mapping_size',
      'dma_map_page_attrs',
      'dma_mapping_error',
      'dma_unmap_page_attrs',
    ])
    const mmio = run({
      kernel: '6.12',
      hostBridgeP2P: true,
      devices: [far],
      regions: [{ name: 'a', memory: 'p2p', provider: 'far', bytes: '0x1000' }],
      steps,
    }).result
    expect(fns(mmio)).toContain('dma_map_resource')
    // Forced bouncing caps a mapping at one swiotlb segment: 600 KiB goes in three pieces.
    const bounced = run({ iommu: 'none', swiotlb: { force: true }, regions: [ram('a', 600 * 1024)], steps }).result
    expect(expandSegments(bounced.transactions[0]?.segments ?? []).map((s) => s.len)).toEqual(['0x40000', '0x40000', '0x16000'])
    clean(bounced)
  })

  it('sg: sg_alloc_table, dma_map_sgtable, dma_unmap_sgtable, sg_free_table', () => {
    const { result } = run({ regions: [ram('a', 0x1000), ram('b', 0x1000)], steps: [map('t', 'sg', ['a', 'b']), { op: 'sync-for-cpu', tx: 't' }, unmap('t')] })
    expect(fns(result)).toEqual(['sg_alloc_table', 'dma_map_sgtable', 'dma_sync_sgtable_for_cpu', 'dma_unmap_sgtable', 'sg_free_table'])
    expect(result.transactions[0]?.metadataBytes).toBe(16 + 2 * 32)
  })

  it('p2p-bus: a scatterlist of the peer memory that the kernel maps to bus addresses, unmapped like one', () => {
    const { result } = run({
      ...sw,
      devices: [gpu],
      regions: [vram()],
      steps: [map('t', 'p2p-bus', ['v'], 'to-device'), { op: 'device-read', tx: 't', region: 'v' }, unmap('t')],
    })
    expect(fns(result)).toEqual(['sg_alloc_table', 'dma_map_sgtable', 'dma_unmap_sgtable', 'sg_free_table'])
    expect(result.transactions[0]?.segments.map((s) => s.dma)).toEqual(['0x38000000000'])
    expect(result.ok).toBe(true)
  })

  it('p2p-bus refuses what the kernel does not map to a bus address: unmapped and freed again, -EREMOTEIO', () => {
    const { result } = run({
      ...sw,
      hostBridgeP2P: true,
      devices: [far],
      regions: [{ name: 'v', memory: 'p2p', provider: 'far', bytes: '0x2000' }],
      steps: [map('t', 'p2p-bus', ['v'], 'to-device'), unmap('t')],
    })
    expect(fns(result)).toEqual(['sg_alloc_table', 'dma_map_sgtable', 'dma_unmap_sgtable', 'sg_free_table'])
    expect(result.transactions[0]?.status).toBe('failed')
    clean(result)
  })

  it('hmm: allocation, fault, per-page map; a hodgepodge of host pages and bus-address pages; unmap and free', () => {
    const { result } = run({
      ...sw,
      devices: [gpu],
      regions: [ram('h', 0x3000), vram('v', 0x2000)],
      steps: [
        map('t', 'hmm', ['h', 'v']),
        { op: 'device-write', tx: 't', region: 'h' },
        { op: 'device-read', tx: 't', region: 'v' },
        unmap('t'),
        { op: 'cpu-read', region: 'h' },
      ],
    })
    const t = result.transactions[0]
    expect(fns(result)).toEqual(['hmm_dma_map_alloc', 'hmm_range_fault', 'hmm_dma_map_pfn', 'hmm_dma_unmap_pfn', 'hmm_dma_map_free'])
    expect(t?.calls[2]?.repeat?.count).toBe(5)
    // Host pages in the IOVA (its slots for the P2P pages stay holes), bus addresses for the peer's pages.
    expect(t?.segments.map((s) => [s.len, s.entries])).toEqual([
      ['0x3000', 3],
      ['0x2000', 2],
    ])
    expect(t?.counters.iovaPages).toBe(8)
    expect(result.ok).toBe(true)
    clean(result)
  })

  it('hmm: a populate that fails part-way unmaps the pages it mapped last first, then frees the map (the driver\'s while (idx--), seen in the kernel\'s trace)', () => {
    // fail_at_call 4: hmm_dma_map_alloc is call 1, pages 0 and 1 map (calls 2, 3), page 2 fails.
    const { result } = run({ regions: [ram('r', 0x4000)], steps: [map('t', 'hmm', ['r']), unmap('t')] }, { failAtCall: 4 })
    const calls = result.transactions[0]?.calls ?? []
    const unmaps = calls.find((c) => c.fn === 'hmm_dma_unmap_pfn')
    expect(unmaps?.args.idx).toBe(1)
    expect(unmaps?.repeat?.lastArgs.idx).toBe(0)
    expect(calls.at(-1)?.fn).toBe('hmm_dma_map_free')
    expect(result.teardown).toMatchObject({ liveIovaPages: 0, livePtes: 0 })
  })

  it('hmm: pages mapped by faults and unmapped by invalidations; an unmapped page is a device page fault', () => {
    const { result } = run({
      regions: [ram('r', 0x4000)],
      steps: [
        map('t', 'hmm', ['r'], 'bidirectional', { populate: false }),
        { op: 'hmm-fault', tx: 't', index: 1 },
        { op: 'device-write', tx: 't', region: 'r', offset: '0x1000', bytes: '0x1000' },
        { op: 'hmm-invalidate', tx: 't', index: 1 },
        { op: 'device-read', tx: 't', region: 'r', offset: '0x1000', bytes: '0x10' },
        unmap('t'),
      ],
    })
    expect(result.findings.find((f) => f.id === 'DMA')?.message).toMatch(/page 1 of the mirror is not mapped/)
    clean(result)
  })

  it('hmm: without an IOMMU, per-page dma_map_phys and no dma_list when dma_need_unmap() says no', () => {
    const { result } = run({
      iommu: 'passthrough',
      regions: [ram('r', 0x2000)],
      steps: [map('t', 'hmm', ['r']), { op: 'device-write', tx: 't', region: 'r' }, unmap('t'), { op: 'cpu-read', region: 'r' }],
    })
    expect(result.transactions[0]?.path).toBe('hmm (per page)')
    expect(result.transactions[0]?.metadataBytes).toBe(16 + 2 * 8)
    expect(result.ok).toBe(true)
    clean(result)
    const debug = run({ iommu: 'passthrough', regions: [ram('r', 0x2000)], steps: [map('t', 'hmm', ['r']), unmap('t')] }, { dmaApiDebug: true }).result
    expect(debug.transactions[0]?.metadataBytes).toBe(16 + 2 * 8 + 2 * 8)
    clean(debug)
  })

  it('hmm: refused (-EOPNOTSUPP) for a device that needs syncs or is addressing-limited', () => {
    const nc = run({ device: { coherent: false }, regions: [ram('r', 0x1000)], steps: [map('t', 'hmm', ['r'])] }).result
    expect(nc.transactions[0]?.calls[0]?.errno).toBe('-EOPNOTSUPP')
    const limited = run({ iommu: 'none', device: { dmaMask: 32 }, regions: [ram('r', 0x1000)], steps: [map('t', 'hmm', ['r'])] }).result
    expect(limited.transactions[0]?.calls[0]?.errno).toBe('-EOPNOTSUPP')
  })

  it('hmm: forced bouncing is invisible to HMM before 7.0 (the kernel oopses at unmap); 7.0 refuses with REQUIRE_COHERENT', () => {
    const spec = (kernel: string): PlanSpec => ({
      kernel,
      iommu: 'none',
      swiotlb: { force: true },
      regions: [ram('r', 0x2000)],
      steps: [map('t', 'hmm', ['r']), unmap('t')],
    })
    const old = run(spec('6.18')).result
    // Page 0 bounced (which made dma_need_unmap() true), page 1 hit the WARN for the missing dma_list.
    expect(old.findings.filter((f) => /dma_need_unmap\(\) but no dma_list/.test(f.message)).map((x) => x.message)).toEqual(['WARNING: hmm_dma_map_pfn: dev0 0000:00:03.0: dma_need_unmap() but no dma_list'])
    expect(old.aborted).toMatch(/NULL dma_list/)
    const now = run(spec('7.0')).result
    expect(now.transactions[0]?.status).toBe('failed')
    expect(now.aborted).toBeUndefined()
    clean(now)
  })

  it('blk: one IOVA range when the request coalesces, else one segment per physical segment', () => {
    const co = run({ regions: [ram('a', 0x2000), ram('b', 0x1000)], steps: [map('t', 'blk', ['a', 'b'], 'from-device'), unmap('t')] }).result
    expect(driverCalls(co).map((c) => c.fn)).toEqual(['blk_rq_append_bio', 'blk_rq_dma_map_iter_start', 'blk_rq_dma_map_iter_next', 'blk_rq_dma_map_coalesce', 'blk_rq_dma_unmap'])
    expect(co.transactions[0]?.segments).toHaveLength(1)
    const direct = run({
      iommu: 'none',
      device: { dmaMask: 32 },
      regions: [ram('a', 0x2000), ram('b', 0x1000)],
      steps: [map('t', 'blk', ['a', 'b'], 'from-device'), { op: 'device-write', tx: 't', region: 'b' }, unmap('t'), { op: 'cpu-read', region: 'b' }],
    }).result
    expect(direct.transactions[0]?.segments).toHaveLength(2)
    expect(driverCalls(direct).map((c) => c.fn)).toEqual([
      'blk_rq_append_bio',
      'blk_rq_dma_map_iter_start',
      'blk_rq_dma_map_iter_next',
      'blk_rq_dma_map_coalesce',
      'blk_rq_dma_unmap',
      'dma_unmap_phys',
      'dma_unmap_phys',
    ])
    // The iterator loop is one folded record: one segment, then the end of the request.
    expect(driverCalls(direct)[2]?.repeat).toMatchObject({ count: 2, lastRet: false })
    expect(direct.ok).toBe(true)
    clean(direct)
  })

  it('blk: the first segment decides the P2P type; a bus-address request needs no unmap', () => {
    const { result } = run({
      ...sw,
      devices: [gpu],
      regions: [vram('v', 0x2000)],
      steps: [map('t', 'blk', ['v'], 'to-device'), { op: 'device-read', tx: 't', region: 'v' }, unmap('t')],
    })
    expect(result.transactions[0]?.calls.at(-1)).toMatchObject({ fn: 'blk_rq_dma_unmap', ret: true })
    expect(result.ok).toBe(true)
  })

  it('blk: before 7.0 a failed dma_iova_link was ignored and the device was given the whole payload', () => {
    const spec = (kernel: string): PlanSpec => ({
      kernel,
      device: { trusted: false, dmaMask: 64 },
      regions: [ram('a', 0xe00, { offset: '0x200' }), ram('b', 0x1000)],
      steps: [map('t', 'blk', ['a', 'b'], 'to-device'), { op: 'device-read', tx: 't', region: 'b' }, unmap('t')],
    })
    const fixed = run(spec('7.0')).result
    expect(fixed.transactions[0]?.status).toBe('failed')
    expect(fixed.transactions[0]?.calls.find((c) => c.fn === 'blk_rq_dma_map_iter_start')?.errno).toBe('BLK_STS_INVAL')
    clean(fixed)
    const buggy = run(spec('6.17')).result
    expect(buggy.transactions[0]?.status).toBe('unmapped')
    expect(buggy.findings.filter((f) => f.id === 'DMAR').map((x) => x.message)).toEqual(['DMAR: [DMA Read NO_PASID] Request device [00:03.0] fault addr 0xfffff000 [fault reason 0x06] PTE Read access is not set (no mapping)'])
  })

  it('coherent: dma_alloc_coherent per region, zeroed, no syncs; dma_free_coherent', () => {
    const { result } = run({
      iommu: 'none',
      device: { dmaMask: 32 },
      regions: [ram('ring', 0x80, { offset: '0x40' })],
      steps: [map('t', 'coherent', ['ring']), { op: 'device-write', tx: 't', region: 'ring' }, { op: 'cpu-read', region: 'ring' }, unmap('t')],
    })
    expect(fns(result)).toEqual(['dma_alloc_coherent', 'dma_free_coherent'])
    // Placed under the 32-bit coherent mask; the device address is the handle plus the in-page offset.
    expect(BigInt(result.transactions[0]?.segments[0]?.dma ?? 0) < 1n << 32n).toBe(true)
    expect(BigInt(result.transactions[0]?.segments[0]?.dma ?? 0) % 0x1000n).toBe(0x40n)
    expect(result.ok).toBe(true)
  })

  it('auto: IOVA for host memory, bus address for the switch-local peer, per range for the rest', () => {
    const { result } = run({
      ...sw,
      hostBridgeP2P: true,
      devices: [gpu, far],
      regions: [ram('h', 0x2000), vram('v', 0x1000), { name: 'f', memory: 'p2p', provider: 'far', bytes: '0x1000' }, ram('t2', 0x1000)],
      steps: [
        map('t', 'auto', ['h', 'v', 'f', 't2'], 'to-device'),
        { op: 'device-read', tx: 't', region: 't2' },
        { op: 'device-read', tx: 't', region: 'v' },
        unmap('t'),
      ],
    })
    const t = result.transactions[0]
    expect(t?.path).toBe('auto: iova + bus address + per-range')
    expect(t?.segments).toHaveLength(4)
    expect(result.ok).toBe(true)
    clean(result)
  })
})

/** Plans exercising every strategy's fallible calls on several platforms. */
const INJECTION_PLANS: Record<string, PlanSpec> = {
  iova: { regions: [ram('a', 0x2000), ram('b', 0x1000)], steps: [map('t', 'iova', ['a', 'b']), unmap('t')] },
  'iova-fallback-bounce': {
    iommu: 'translated',
    device: { dmaMask: 64, trusted: false, minAlignMask: 0xfff },
    regions: [ram('a', 0xe00, { offset: '0x200' }), ram('b', 0x1000), ram('c', 0x800)],
    steps: [map('t', 'iova', ['a', 'b', 'c']), unmap('t')],
  },
  page: { iommu: 'none', device: { dmaMask: 32 }, regions: [ram('a', 0x1000), ram('b', 0x3000)], steps: [map('t', 'page', ['a', 'b']), unmap('t')] },
  sg: { regions: [ram('a', 0x1000), ram('b', 0x3000)], steps: [map('t', 'sg', ['a', 'b']), unmap('t')] },
  'sg-swiotlb': { device: { dmaMask: 64, trusted: false }, regions: [ram('a', 0x100), ram('b', 0x3000)], steps: [map('t', 'sg', ['a', 'b']), unmap('t')] },
  hmm: { ...sw, devices: [gpu], regions: [ram('h', 0x3000), vram('v', 0x1000)], steps: [map('t', 'hmm', ['h', 'v']), unmap('t')] },
  'hmm-direct': { iommu: 'none', regions: [ram('h', 0x3000)], steps: [map('t', 'hmm', ['h']), unmap('t')] },
  blk: { regions: [ram('a', 0x2000), ram('b', 0x1000)], steps: [map('t', 'blk', ['a', 'b'], 'from-device'), unmap('t')] },
  'blk-direct': {
    iommu: 'none',
    device: { dmaMask: 32 },
    regions: [ram('a', 0x2000), ram('b', 0x1000)],
    steps: [map('t', 'blk', ['a', 'b'], 'from-device'), unmap('t')],
  },
  coherent: { regions: [ram('a', 0x1000), ram('b', 0x2000)], steps: [map('t', 'coherent', ['a', 'b']), unmap('t')] },
  auto: {
    ...sw,
    hostBridgeP2P: true,
    devices: [gpu, far],
    regions: [ram('h', 0x2000), vram('v', 0x1000), { name: 'f', memory: 'p2p', provider: 'far', bytes: '0x1000' }],
    steps: [map('t', 'auto', ['h', 'v', 'f'], 'to-device'), unmap('t')],
  },
}

/**
 * The call each plan's k-th fallible call is (its number among all DMA API
 * calls): the model's count of fallible calls is exactly these.
 */
const INJECTED_AT: Record<string, readonly number[]> = {
  iova: [1, 2, 3, 4],
  'iova-fallback-bounce': [1, 2, 3, 4, 5],
  page: [2, 4],
  sg: [1, 2],
  'sg-swiotlb': [1, 2],
  hmm: [1, 3, 4, 5, 3],
  'hmm-direct': [1, 3, 3, 3],
  blk: [2, 7],
  'blk-direct': [2, 5, 7],
  coherent: [1, 2],
  auto: [1, 2, 3, 4, 5, 7],
}

describe('fault injection: failure at the k-th fallible call unwinds completely', () => {
  for (const [name, spec] of Object.entries(INJECTION_PLANS)) {
    it(`${name}`, () => {
      const plan = validPlan(spec)
      const base = runPlan(plan).result
      expect(base.ok).toBe(true)
      const fallible = runPlan(plan).machine.trace.fallibleCalls
      const injected = INJECTED_AT[name] ?? []
      expect(fallible).toBe(injected.length)
      for (let k = 1; k <= fallible; k++) {
        const r = runPlan(plan, { failAtCall: k }).result
        expect(r.faultInjection.injectedCallSeq, `call ${k}`).toBe(injected[k - 1])
        clean(r)
      }
    })
  }

  it('IOVA exhaustion, a full swiotlb and unsupported P2P fail cleanly too', () => {
    clean(runPlan(validPlan(INJECTION_PLANS.sg as PlanSpec), { exhaustIova: true }).result)
    clean(runPlan(validPlan(INJECTION_PLANS.page as PlanSpec), { swiotlbFull: true }).result)
    clean(runPlan(validPlan(INJECTION_PLANS.hmm as PlanSpec), { p2pUnsupported: true }).result)
    const r = runPlan(validPlan(INJECTION_PLANS.auto as PlanSpec), { p2pUnsupported: true }).result
    expect(r.transactions[0]?.status).toBe('failed')
    clean(r)
  })
})
