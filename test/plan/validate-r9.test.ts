/** R9 at run time, on JSON plans (where the type checker never ran), with the exact sentences; the type-level side is test-d/r9-*.test-d.ts. */
import { describe, expect, it } from 'vitest'
import { jsonPlan, map } from '../support/plans.js'
import { violations, unmap, gpuSetup } from './validate-support.js'

describe('R9 at run time', () => {
  it('R9 the kernel version gates features', () => {
    expect(violations(jsonPlan({ platform: { kernel: '6.12' }, steps: [map('t', 'hmm', 'bidirectional', ['buf']), unmap('t')] }))[0]).toBe('R9: strategy hmm for dev0 needs kernel 6.16 or later, but this plan targets 6.12.')
    expect(violations(jsonPlan({ platform: { kernel: '6.16' }, steps: [map('t', 'blk', 'to-device', ['buf']), unmap('t')] }))[0]).toBe('R9: strategy blk for dev0 needs kernel 6.17 or later, but this plan targets 6.16.')
    expect(violations(jsonPlan({ platform: { kernel: '6.17' }, steps: [map('t', 'page', 'to-device', ['buf'], { attrs: ['DMA_ATTR_MMIO'] }), unmap('t')] }))[0]).toBe('R9: DMA_ATTR_MMIO for dev0 needs kernel 6.18 or later, but this plan targets 6.17.')
    expect(violations(jsonPlan({ platform: { kernel: '6.18' }, steps: [map('t', 'page', 'to-device', ['buf'], { attrs: ['DMA_ATTR_REQUIRE_COHERENT'] }), unmap('t')] }))[0]).toBe('R9: DMA_ATTR_REQUIRE_COHERENT for dev0 needs kernel 7.0 or later, but this plan targets 6.18.')
    const bridge = gpuSetup({ kernel: '6.17', pci: { switches: [{ name: 'sw0' }, { name: 'sw1' }], hostBridgeP2P: true } }, 'sw1')
    expect(violations(jsonPlan({ ...bridge, steps: [map('t', 'iova', 'to-device', ['vram']), unmap('t')] }))[0]).toMatch(/^R9: vram is host-bridge P2P memory for dev0, which iova links with DMA_ATTR_MMIO; that needs kernel 6.18/)
    expect(violations(jsonPlan({ ...bridge, steps: [map('t', 'page', 'to-device', ['vram']), unmap('t')] }))).toEqual([])
  })
})
