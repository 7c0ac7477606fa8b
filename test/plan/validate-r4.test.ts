/** R4 at run time, on JSON plans (where the type checker never ran), with the exact sentences; the type-level side is test-d/r4-*.test-d.ts. */
import { describe, expect, it } from 'vitest'
import { jsonPlan, map } from '../support/plans.js'
import { violations, unmap, gpuSetup } from './validate-support.js'

describe('R4 at run time', () => {
  it('R4 unreachable P2P memory, with the reason', () => {
    const far = violations(jsonPlan({ ...gpuSetup({}, 'sw1'), steps: [map('t', 'sg', 'to-device', ['vram']), unmap('t')] }))
    expect(far).toEqual(['R4: vram is P2P memory of gpu0 that dev0 cannot reach: they share no PCI switch and the host bridge does not allow P2P. No strategy can map it.'])
    const acs = violations(jsonPlan({ ...gpuSetup({ pci: { switches: [{ name: 'sw0', acsRedirect: true }] } }), steps: [map('t', 'sg', 'to-device', ['vram']), unmap('t')] }))
    expect(acs[0]).toMatch(/cannot reach: ACS redirects their traffic to the root complex/)
    const coco = violations(jsonPlan({ ...gpuSetup({ coco: true }), steps: [map('t', 'p2p-bus', 'to-device', ['vram']), unmap('t')] }))
    expect(coco[0]).toMatch(/cannot reach: P2P DMA is not supported in a confidential guest/)
  })
})
