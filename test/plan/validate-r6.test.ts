/** R6 at run time, on JSON plans (where the type checker never ran), with the exact sentences; the type-level side is test-d/r6-*.test-d.ts. */
import { describe, expect, it } from 'vitest'
import { jsonPlan, map } from '../support/plans.js'
import { violations, unmap } from './validate-support.js'
import { op } from '../support/plans.js'

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

  it("R6 an untrusted device's first range off the granule bounces to a slot that keeps only min_align_mask's bits: iommu_map() refuses the link", () => {
    const regions = [
      { name: 'a', memory: 'ram', offset: '0x200', bytes: '0xe00' },
      { name: 'b', memory: 'ram', bytes: '0x1000' },
    ]
    const untrusted = (extra: Record<string, unknown> = {}) => [{ name: 'dev0', dmaMask: 64, trusted: false, ...extra }]
    const steps = [map('t', 'iova', 'to-device', ['a', 'b']), unmap('t')]
    expect(violations(jsonPlan({ devices: untrusted(), regions, steps }))).toEqual([
      'R6: a starts off the 4096-byte IOMMU granule as the first range of IOVA transaction t, and dev0 is untrusted: its swiotlb bounce slot keeps only the offset bits of min_align_mask (0x0), so dma_iova_link() fails (-EINVAL). Align it, or set a min_align_mask of at least 0xfff first.',
    ])
    // A min_align_mask that covers the offset keeps it in the slot (swiotlb_align_offset()), whether the device starts with it or a driver step sets it first.
    expect(violations(jsonPlan({ devices: untrusted({ minAlignMask: 0xfff }), regions, steps }))).toEqual([])
    expect(violations(jsonPlan({ devices: untrusted(), regions, steps: [op('set-min-align-mask', { mask: 0xfff }), ...steps] }))).toEqual([])
    expect(violations(jsonPlan({ devices: untrusted(), regions, steps: [...steps, op('set-min-align-mask', { mask: 0xfff })] }))).toHaveLength(1)
    // A trusted device links it in place; an aligned first range, or one that only ends off the granule, never bounces at its start.
    expect(violations(jsonPlan({ regions, steps }))).toEqual([])
    expect(violations(jsonPlan({ devices: untrusted(), regions, steps: [map('t', 'iova', 'to-device', ['b']), unmap('t')] }))).toEqual([])
  })

  it('R6 hmm links each page at its own offset of one IOVA range: behind a granule larger than a page it is refused', () => {
    const steps = [map('t', 'hmm', 'bidirectional', ['buf']), unmap('t')]
    expect(violations(jsonPlan({ platform: { iommu: { mode: 'translated', granule: 16384 } }, steps }))).toEqual([
      'R6: strategy hmm links each 4096-byte page at its own offset of one IOVA range, but the IOMMU granule of dev0 is 16384 bytes, so dma_iova_link() refuses every page after the first whose frame is off the granule (-EIO). Use page, sg or auto, or a granule of 4096.',
    ])
    expect(violations(jsonPlan({ steps }))).toEqual([])
    // Without IOVA (passthrough) HMM maps each page with dma_map_phys(): the granule plays no part.
    expect(violations(jsonPlan({ platform: { iommu: { mode: 'passthrough', granule: 16384 } }, steps }))).toEqual([])
  })

  it("R6 an untrusted device's host-bridge P2P range off the granule would bounce, and dma_iova_link() never bounces MMIO (-EPERM)", () => {
    const platform = { kernel: '6.18', iommu: { mode: 'translated', granule: 65536 }, pci: { switches: [], hostBridgeP2P: true } }
    const devices = (trusted: boolean) => [
      { name: 'dev0', dmaMask: 64, trusted },
      { name: 'gpu', p2pMemory: { bytes: '0x1000000' } },
    ]
    const regions = [
      { name: 'win', memory: 'p2p', provider: 'gpu', bytes: '0x4000' },
      { name: 'whole', memory: 'p2p', provider: 'gpu', bytes: '0x10000' },
    ]
    const steps = (r: string) => [map('t', 'iova', 'to-device', [r]), unmap('t')]
    expect(violations(jsonPlan({ platform, devices: devices(false), regions, steps: steps('win') }))).toEqual([
      'R6: win is host-bridge P2P memory off the 65536-byte IOMMU granule, and dev0 is untrusted: dma_iova_link() would bounce it for IOVA transaction t, and it refuses to bounce DMA_ATTR_MMIO (-EPERM). Align it to the granule, or map it with another strategy.',
    ])
    expect(violations(jsonPlan({ platform, devices: devices(false), regions, steps: steps('whole') }))).toEqual([])
    expect(violations(jsonPlan({ platform, devices: devices(true), regions, steps: steps('win') }))).toEqual([])
  })
})

