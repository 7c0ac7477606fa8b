/** R7 at run time, on JSON plans (where the type checker never ran), with the exact sentences; the type-level side is test-d/r7-*.test-d.ts. */
import { describe, expect, it } from 'vitest'
import { jsonPlan, map, op } from '../support/plans.js'
import { violations, unmap } from './validate-support.js'

describe('R7 at run time', () => {
  it('R7 directions and ownership', () => {
    expect(violations(jsonPlan({ steps: [map('t', 'page', 'to-device', ['buf']), op('device-write', { tx: 't', region: 'buf' }), unmap('t')] }))[0]).toBe(
      'R7: dev0 writes buf through t, which is mapped DMA_TO_DEVICE; device writes need DMA_FROM_DEVICE or DMA_BIDIRECTIONAL.',
    )
    expect(violations(jsonPlan({ steps: [map('t', 'page', 'from-device', ['buf']), op('device-read', { tx: 't', region: 'buf' }), unmap('t')] }))[0]).toMatch(/^R7: dev0 reads buf through t, which is mapped DMA_FROM_DEVICE/)
    const noncoherent = { devices: [{ name: 'dev0', dmaMask: 64, coherent: false }] }
    const rx = [map('t', 'page', 'from-device', ['buf']), op('device-write', { tx: 't', region: 'buf' })]
    expect(violations(jsonPlan({ ...noncoherent, steps: [...rx, op('cpu-read', { region: 'buf' }), unmap('t')] }))[0]).toBe(
      "R7: the CPU reads buf after dev0 wrote it through t, but dev0 is not DMA-coherent; call syncForCpu('t') first.",
    )
    expect(violations(jsonPlan({ ...noncoherent, steps: [...rx, op('sync-for-cpu', { tx: 't' }), op('cpu-read', { region: 'buf' }), unmap('t')] }))).toEqual([])
    // After the unmap the CPU owns the memory again.
    expect(violations(jsonPlan({ ...noncoherent, steps: [...rx, unmap('t'), op('cpu-read', { region: 'buf' })] }))).toEqual([])
    // A coherent device behind the IOMMU needs no sync; forced swiotlb makes it a bounce.
    expect(violations(jsonPlan({ steps: [...rx, op('cpu-read', { region: 'buf' }), unmap('t')] }))).toEqual([])
    const forced = violations(jsonPlan({ platform: { iommu: { mode: 'none' }, swiotlb: { force: true } }, steps: [...rx, op('cpu-read', { region: 'buf' }), unmap('t')] }))
    expect(forced[0]).toMatch(/^R7: the CPU reads buf after dev0 wrote it through t, but t is bounced through swiotlb; call syncForCpu\('t'\) first/)
    const tx = [map('t', 'page', 'bidirectional', ['buf']), op('cpu-write', { region: 'buf' }), op('device-read', { tx: 't', region: 'buf' }), unmap('t')]
    expect(violations(jsonPlan({ ...noncoherent, steps: tx }))[0]).toMatch(/^R7: dev0 reads buf through t after the CPU wrote it, but dev0 is not DMA-coherent/)
    expect(violations(jsonPlan({ steps: [map('t', 'hmm', 'to-device', ['buf']), unmap('t')] }))[0]).toMatch(/^R7: hmm transaction t of dev0 cannot be mapped DMA_TO_DEVICE: hmm_dma_map_pfn\(\) maps every page DMA_BIDIRECTIONAL\.$/)
  })
})
