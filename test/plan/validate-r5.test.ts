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
  it('R5 behind a translating IOMMU nothing bounces private memory (dev_use_swiotlb()): every streaming strategy is refused, and coherent from 7.3', () => {
    const plan = { platform: { coco: true, iommu: { mode: 'translated' } }, regions: [{ name: 'buf', memory: 'ram', encrypted: true, bytes: '0x1000' }] }
    for (const strategy of ['page', 'sg', 'blk', 'auto'])
      expect(violations(jsonPlan({ ...plan, steps: [map('t', strategy, 'to-device', ['buf']), unmap('t')] }))).toEqual([
        `R5: buf is private memory of a confidential guest, and behind the IOMMU ${strategy} maps it without a bounce (iommu-dma bounces only for untrusted devices and unaligned kmalloc buffers), so dev0 would read ciphertext. Share the memory with the host (shared: true).`,
      ])
    expect(violations(jsonPlan({ ...plan, platform: { ...plan.platform, kernel: '7.0' }, steps: [map('t', 'coherent', 'to-device', ['buf']), unmap('t')] }))).toEqual([])
    // From 7.3 IOMMU-DMA refuses the shared allocation too (cc-iommu-alloc-coherent-refused).
    expect(violations(jsonPlan({ ...plan, platform: { ...plan.platform, kernel: '7.3' }, steps: [map('t', 'coherent', 'to-device', ['buf']), unmap('t')] }))).toEqual([
      'R5: coherent allocates buf shared, as a confidential guest must, and from 7.3 IOMMU-DMA refuses that behind a translating IOMMU: dma_alloc_coherent() returns NULL for dev0 on 7.3. Nothing maps private memory there; use an IOMMU in passthrough or none.',
    ])
    expect(violations(jsonPlan({ ...plan, platform: { coco: true, iommu: { mode: 'passthrough' } }, steps: [map('t', 'page', 'to-device', ['buf']), unmap('t')] }))).toEqual([])
  })
  it('R5 from 7.3 the refused shared allocation is refused for a shared region too: the memory is the allocation, not the region', () => {
    const plan = { platform: { coco: true, kernel: '7.3', iommu: { mode: 'translated' } }, regions: [{ name: 'buf', memory: 'ram', encrypted: false, bytes: '0x1000' }] }
    expect(violations(jsonPlan({ ...plan, steps: [map('t', 'coherent', 'to-device', ['buf']), unmap('t')] }))[0]).toMatch(/^R5: coherent allocates buf shared, as a confidential guest must, and from 7.3 IOMMU-DMA refuses that/)
    expect(violations(jsonPlan({ ...plan, steps: [map('t', 'page', 'to-device', ['buf']), unmap('t')] }))).toEqual([])
    expect(violations(jsonPlan({ ...plan, platform: { kernel: '7.3', iommu: { mode: 'translated' } }, steps: [map('t', 'coherent', 'to-device', ['buf']), unmap('t')] }))).toEqual([])
  })
})
