/** R2 at run time, on JSON plans (where the type checker never ran), with the exact sentences; the type-level side is test-d/r2-*.test-d.ts. */
import { describe, expect, it } from 'vitest'
import { jsonPlan, map } from '../support/plans.js'
import { violations, unmap, gpuSetup } from './validate-support.js'

describe('R2 at run time', () => {
  it('R2 uniform transactions hold one memory kind; coherent allocations are host memory', () => {
    const mixed = violations(jsonPlan({ ...gpuSetup(), steps: [map('t', 'sg', 'to-device', ['buf', 'vram']), unmap('t')] }))
    expect(mixed).toEqual(['R2: t is a uniform sg transaction of dev0 but mixes host memory buf with bus-address P2P memory vram; split it into one transaction per memory kind.'])
    const coherent = violations(jsonPlan({ ...gpuSetup({ pci: { switches: [{ name: 'sw0' }, { name: 'sw1' }], hostBridgeP2P: true } }, 'sw1'), steps: [map('t', 'coherent', 'bidirectional', ['vram']), unmap('t')] }))
    expect(coherent[0]).toMatch(/^R2: vram is host-bridge P2P memory for dev0, but strategy coherent allocates host memory with dma_alloc_coherent\(\)/)
    // hmm and auto may mix kinds: that is the point of them.
    expect(violations(jsonPlan({ ...gpuSetup(), steps: [map('t', 'hmm', 'bidirectional', ['buf', 'vram']), unmap('t')] }))).toEqual([])
  })
})
