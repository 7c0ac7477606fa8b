/** R6 at run time, on JSON plans (where the type checker never ran), with the exact sentences; the type-level side is test-d/r6-*.test-d.ts. */
import { describe, expect, it } from 'vitest'
import { jsonPlan, map } from '../support/plans.js'
import { violations, unmap } from './validate-support.js'

describe('R6 at run time', () => {
  it('R6 only the first range may start off the granule and only the last may end off it', () => {
    const regions = [
      { name: 'a', memory: 'ram', offset: '0x200', bytes: '0xe00' },
      { name: 'b', memory: 'ram', bytes: '0x1000' },
      { name: 'c', memory: 'ram', bytes: '0x800' },
    ]
    expect(violations(jsonPlan({ regions, steps: [map('t', 'iova', 'to-device', ['a', 'b', 'c']), unmap('t')] }))).toEqual([])
    expect(violations(jsonPlan({ regions, steps: [map('t', 'iova', 'to-device', ['b', 'a']), unmap('t')] }))[0]).toMatch(/^R6: a starts off the 4096-byte IOMMU granule of dev0 but is not the first range/)
    expect(violations(jsonPlan({ regions, steps: [map('t', 'iova', 'to-device', ['c', 'b']), unmap('t')] }))[0]).toMatch(/^R6: c ends off the 4096-byte IOMMU granule of dev0 but is not the last range/)
    // A 64 KiB granule: a 4 KiB region is not a granule multiple. sg (no R6) coalesces as it likes.
    expect(violations(jsonPlan({ platform: { iommu: { mode: 'translated', granule: 65536 } }, regions, steps: [map('t', 'iova', 'to-device', ['b', 'b']), unmap('t')] }))[0]).toMatch(/^R6: b ends off the 65536-byte/)
    expect(violations(jsonPlan({ regions, steps: [map('t', 'sg', 'to-device', ['b', 'a']), unmap('t')] }))).toEqual([])
    // The physical address decides when the plan gives it.
    const placed = [{ name: 'p', memory: 'ram', phys: '0x10001000', offset: '0x0', bytes: '0x1000' }, ...regions]
    expect(violations(jsonPlan({ platform: { iommu: { mode: 'translated', granule: 16384 } }, regions: placed, steps: [map('t', 'iova', 'to-device', ['b', 'p']), unmap('t')] }))[0]).toMatch(/^R6: b ends off|^R6: p starts off/)
  })
})
