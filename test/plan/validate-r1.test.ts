/** R1 at run time, on JSON plans (where the type checker never ran), with the exact sentences; the type-level side is test-d/r1-*.test-d.ts. */
import { describe, expect, it } from 'vitest'
import { jsonPlan, map } from '../support/plans.js'
import { violations, unmap } from './validate-support.js'

describe('R1 at run time', () => {
  it('R1 iova without a translating IOMMU, or before 6.16', () => {
    expect(violations(jsonPlan({ platform: { iommu: { mode: 'passthrough' } }, steps: [map('t', 'iova', 'to-device', ['buf']), unmap('t')] }))).toEqual([
      'R1: strategy iova needs a translating IOMMU, but the IOMMU of dev0 is in passthrough mode, so dma_iova_try_alloc() always fails. Use page, sg or auto.',
    ])
    expect(violations(jsonPlan({ platform: { kernel: '6.12' }, steps: [map('t', 'iova', 'to-device', ['buf']), unmap('t')] }))[0]).toMatch(
      /^R1: strategy iova needs kernel 6.16 or later \(dma_iova_try_alloc\) to map for dev0, but this plan targets 6.12/,
    )
  })
})
