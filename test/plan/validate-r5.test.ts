/** R5 at run time, on JSON plans (where the type checker never ran), with the exact sentences; the type-level side is test-d/r5-*.test-d.ts. */
import { describe, expect, it } from 'vitest'
import { jsonPlan, map } from '../support/plans.js'
import { violations, unmap } from './validate-support.js'

describe('R5 at run time', () => {
  it('R5 encrypted memory only bounces; hmm refuses devices that need syncs', () => {
    const plan = { platform: { coco: true, iommu: { mode: 'none' } }, regions: [{ name: 'buf', memory: 'ram', encrypted: true, bytes: '0x1000' }] }
    expect(violations(jsonPlan({ ...plan, steps: [map('t', 'page', 'to-device', ['buf']), unmap('t')] }))).toEqual([])
    expect(violations(jsonPlan({ ...plan, platform: { coco: true }, steps: [map('t', 'iova', 'to-device', ['buf']), unmap('t')] }))[0]).toMatch(/^R5: buf is private memory of a confidential guest/)
    expect(violations(jsonPlan({ devices: [{ name: 'dev0', coherent: false }], steps: [map('t', 'hmm', 'bidirectional', ['buf']), unmap('t')] }))[0]).toBe(
      'R5: hmm refuses dev0: it is not DMA-coherent, and HMM refuses devices that need bouncing or cache maintenance. Use page or sg.',
    )
  })
  it('R5 behind a translating IOMMU nothing bounces private memory (dev_use_swiotlb()): every streaming strategy is refused, coherent is not', () => {
    const plan = { platform: { coco: true, iommu: { mode: 'translated' } }, regions: [{ name: 'buf', memory: 'ram', encrypted: true, bytes: '0x1000' }] }
    for (const strategy of ['page', 'sg', 'blk', 'auto'])
      expect(violations(jsonPlan({ ...plan, steps: [map('t', strategy, 'to-device', ['buf']), unmap('t')] }))).toEqual([
        `R5: buf is private memory of a confidential guest, and behind the IOMMU ${strategy} maps it without a bounce (iommu-dma bounces only for untrusted devices and unaligned kmalloc buffers), so dev0 would read ciphertext. Share the memory with the host (shared: true).`,
      ])
    expect(violations(jsonPlan({ ...plan, steps: [map('t', 'coherent', 'to-device', ['buf']), unmap('t')] }))).toEqual([])
    expect(violations(jsonPlan({ ...plan, platform: { coco: true, iommu: { mode: 'passthrough' } }, steps: [map('t', 'page', 'to-device', ['buf']), unmap('t')] }))).toEqual([])
  })
})
