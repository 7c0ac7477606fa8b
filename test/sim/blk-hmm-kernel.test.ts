/**
 * What the block layer and HMM do inside the kernel on the driver's behalf,
 * as the conformance runs on 7.3.4 showed it: the checks of
 * blk_rq_append_bio() before anything is mapped, the DMA API calls the
 * block iterator makes itself, which the kernel traces (the dma_map_phys
 * event is in dma_map_phys()) and probes like the driver's, and whether
 * HMM keeps a dma_list (which decides whether it unmaps page by page).
 */
import { describe, expect, it } from 'vitest'
import type { SimResult } from '../../src/sim/index.js'
import { map, ram, run, unmap } from './helpers.js'

const calls = (r: SimResult, i = 0) => r.transactions[i]?.calls ?? []
const helper = (r: SimResult, i = 0) => calls(r, i).filter((c) => c.args.via !== undefined).map((c) => `${String(c.args.via)}: ${c.fn}`)

describe('blk_rq_append_bio()', () => {
  it('refuses a bvec whose offset in its page is off the queue dma_alignment (511 by default) with -EINVAL, before anything is mapped', () => {
    const { result } = run({
      regions: [ram('a', 0x100, { offset: '0x100' }), ram('b', 0x1000)],
      steps: [map('t', 'blk', ['a', 'b'], 'to-device'), unmap('t')],
    })
    const t = result.transactions[0]
    expect(t?.status).toBe('failed')
    expect(calls(result).map((c) => [c.fn, c.errno])).toEqual([['blk_rq_append_bio', '-EINVAL']])
    expect(t?.counters.iovaPages).toBe(0)
  })

  it('checks the bvecs of the bio: a buffer that starts where the last one ends is merged into it by bio_add_page(), its offset is not a bvec offset', () => {
    const { result } = run({
      regions: [ram('a', 0x100, { phys: '0x100000' }), ram('b', 0x300, { offset: '0x100', phys: '0x100100' })],
      steps: [map('t', 'blk', ['a', 'b'], 'to-device'), unmap('t')],
    })
    expect(result.transactions[0]?.status).toBe('unmapped')
    expect(result.transactions[0]?.segments.map((s) => s.len)).toEqual(['0x400'])
  })

  it('with a virtual boundary refuses a gap between bvecs: -EREMOTEIO (a split) after a logical block, -EINVAL before one', () => {
    const spec = (first: number) => ({
      device: { minAlignMask: 0xfff },
      regions: [ram('a', first, { phys: '0x100000' }), ram('b', 0x1000, { phys: '0x200000' })],
      steps: [map('t', 'blk', ['a', 'b'], 'to-device'), unmap('t')],
    })
    expect(calls(run(spec(0x200)).result)[0]?.errno).toBe('-EREMOTEIO')
    expect(calls(run(spec(0x100)).result)[0]?.errno).toBe('-EINVAL')
    expect(run(spec(0x1000)).result.transactions[0]?.status).toBe('unmapped')
  })
})

describe('DMA API calls the kernel makes on the driver behalf (recorded with via)', () => {
  it('the block iterator maps each segment with its own dma_map_phys() when the request is not coalesced', () => {
    const { result } = run({
      iommu: 'none',
      regions: [ram('a', 0x1000, { phys: '0x100000' }), ram('b', 0x800, { phys: '0x300000' })],
      steps: [map('t', 'blk', ['a', 'b'], 'from-device'), unmap('t')],
    })
    expect(helper(result)).toEqual([
      'blk_rq_dma_map_iter_start: dma_iova_try_alloc',
      'blk_rq_dma_map_iter_start: dma_map_phys',
      'blk_rq_dma_map_iter_next: dma_map_phys',
    ])
    const maps = calls(result).filter((c) => c.fn === 'dma_map_phys')
    expect(maps.map((c) => [c.args.phys, c.args.size, c.args.dir, c.ret])).toEqual([
      ['0x100000', '0x1000', 'DMA_FROM_DEVICE', '0x100000'],
      ['0x300000', '0x800', 'DMA_FROM_DEVICE', '0x300000'],
    ])
  })

  it('a coalesced request: dma_iova_try_alloc(), one dma_iova_link() per segment and one dma_iova_sync() in blk_rq_dma_map_iter_start(); dma_iova_destroy() in blk_rq_dma_unmap()', () => {
    const { result } = run({
      regions: [ram('a', 0xe00, { offset: '0x200' }), ram('b', 0x1000)],
      steps: [map('t', 'blk', ['a', 'b'], 'to-device'), unmap('t')],
    })
    expect(helper(result)).toEqual([
      'blk_rq_dma_map_iter_start: dma_iova_try_alloc',
      'blk_rq_dma_map_iter_start: dma_iova_link',
      'blk_rq_dma_map_iter_start: dma_iova_link',
      'blk_rq_dma_map_iter_start: dma_iova_sync',
      'blk_rq_dma_unmap: dma_iova_destroy',
    ])
  })

  it('HMM says in hmm_dma_map_alloc() whether it keeps a dma_list: without one (no IOVA, dma_need_unmap() false) hmm_dma_unmap_pfn() unmaps nothing', () => {
    const spec = { kernel: '7.3', iommu: 'passthrough' as const, regions: [ram('r', 0x2000)], steps: [map('t', 'hmm', ['r']), unmap('t')] }
    const alloc = (r: SimResult) => calls(r).find((c) => c.fn === 'hmm_dma_map_alloc')?.args.dma_list
    const plain = run(spec).result
    expect(alloc(plain)).toBe(false)
    expect(helper(plain)).toEqual([])
    expect(calls(plain).some((c) => c.fn === 'dma_unmap_phys')).toBe(false)
    expect(alloc(run(spec, { dmaApiDebug: true }).result)).toBe(true)
  })
})

describe("the request's phys_gap_bit", () => {
  it('comes from the gaps between the bvecs of its bio, not from where max_segment_size cuts a bvec: one contiguous buffer takes the IOVA path', () => {
    const { result } = run({
      kernel: '7.3',
      device: { maxSegmentSize: 0x2000 },
      regions: [ram('a', 0x6000)],
      steps: [map('t', 'blk', ['a'], 'to-device'), unmap('t')],
    })
    expect(result.transactions[0]?.path).toBe('blk (one IOVA range)')
    // The coalesced range ignores max_segment_size (blk_rq_dma_map_iova() returns dma_iova_size()).
    expect(result.transactions[0]?.segments.map((s) => s.len)).toEqual(['0x6000'])
    expect(helper(result).filter((c) => c.endsWith('dma_iova_link'))).toHaveLength(3)
  })

  it('so a max_segment_size off the IOMMU granule cuts a piece that dma_iova_link() refuses (WARN, -EIO): the request fails with BLK_STS_IOERR', () => {
    const { result } = run({
      kernel: '7.3',
      device: { maxSegmentSize: 0x1800 },
      regions: [ram('a', 0x3000)],
      steps: [map('t', 'blk', ['a'], 'to-device'), unmap('t')],
    })
    expect(result.transactions[0]?.status).toBe('failed')
    expect(calls(result).find((c) => c.fn === 'blk_rq_dma_map_iter_start')?.errno).toBe('BLK_STS_IOERR')
    expect(result.findings.filter((f) => /WARNING: dma_iova_link: .* not granule aligned at offset 0x1800/.test(f.message)).map((x) => x.message)).toEqual(['WARNING: dma_iova_link: dev0 0000:00:03.0: phys 0x27fffe800 is not granule aligned at offset 0x1800'])
  })
})
