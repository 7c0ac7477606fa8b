/** R3 at run time, on JSON plans (where the type checker never ran), with the exact sentences; the type-level side is test-d/r3-*.test-d.ts. */
import { describe, expect, it } from 'vitest'
import { jsonPlan, map } from '../support/plans.js'
import { violations, unmap, gpuSetup } from './validate-support.js'

describe('R3 at run time', () => {
  it('R3 bus-address P2P never in an IOVA range; p2p-bus takes only bus-address memory', () => {
    expect(violations(jsonPlan({ ...gpuSetup(), steps: [map('t', 'iova', 'to-device', ['vram']), unmap('t')] }))[0]).toMatch(/^R3: vram is P2P memory of gpu0 that dev0 reaches by PCI bus address/)
    expect(violations(jsonPlan({ ...gpuSetup(), steps: [map('t', 'page', 'to-device', ['vram']), unmap('t')] }))[0]).toMatch(/^R3: .*so page cannot map it/)
    expect(violations(jsonPlan({ ...gpuSetup(), steps: [map('t', 'p2p-bus', 'to-device', ['buf']), unmap('t')] }))[0]).toBe(
      'R3: strategy p2p-bus maps only P2P memory reached by PCI bus address, but buf is host memory for dev0. Use iova, page, sg or auto.',
    )
  })
})
