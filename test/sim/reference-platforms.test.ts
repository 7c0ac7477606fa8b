/**
 * What Debian's 6.12 kernel did on the reference platforms
 * (docs/platforms.md: QEMU q35, 512 MiB, the edu device's 28-bit mask),
 * reproduced by the model.
 */
import { describe, expect, it } from 'vitest'
import { map, ram, run, unmap } from './helpers.js'

const edu = { dmaMask: 28 }
const twoPages = (extra = {}) => ({
  kernel: '6.12',
  ramBytes: '0x20000000',
  device: edu,
  regions: [ram('a', 0x1000, { phys: '0x13f91000' }), ram('b', 0x1000, { phys: '0x26ae000' })],
  steps: [map('t1', 'page', ['a'], 'to-device'), map('t2', 'page', ['b'], 'to-device'), unmap('t2'), unmap('t1')],
  ...extra,
})

describe('reference platforms', () => {
  it('K-R20 VT-d strict: the first two single-page maps get IOVA 0xffff000 then 0xfffe000', () => {
    const { result } = run(twoPages({ iommu: 'translated', flush: 'strict' }))
    expect(result.transactions.map((t) => t.segments[0]?.dma)).toEqual(['0xffff000', '0xfffe000'])
  })

  it('K-R24 VT-d lazy: the same IOVAs, unmaps go through the flush queue', () => {
    const { result, machine } = run(twoPages({ iommu: 'translated', flush: 'lazy' }))
    expect(result.transactions.map((t) => t.segments[0]?.dma)).toEqual(['0xffff000', '0xfffe000'])
    expect(machine.domain?.fq?.queued).toHaveLength(2)
    expect(result.totals.iotlbSyncs).toBe(0)
  })

  it('K-R6 passthrough: a page above the 28-bit mask with no swiotlb pool fails', () => {
    const { result } = run(twoPages({ iommu: 'passthrough' }))
    expect(result.platform.swiotlb).toBeNull()
    expect(result.transactions[0]?.status).toBe('failed')
    expect(result.transactions[1]?.segments[0]?.dma).toBe('0x26ae000')
  })

  it('K-R6 no IOMMU: DMA address = phys below the mask; above it the overflow message and the error value', () => {
    const { result } = run(twoPages({ iommu: 'none' }))
    expect(result.dmesg).toContain('dev0 0000:00:03.0: DMA addr 0x0000000013f91000+4096 overflow (mask fffffff, bus limit 0).')
    expect(result.transactions[1]?.segments[0]?.dma).toBe('0x26ae000')
  })

  it('K-S9 forced bounce with the pool at 0x15000000, above the 28-bit mask: every map fails with "swiotlb addr ... overflow"', () => {
    const { result } = run(twoPages({ iommu: 'none', swiotlb: { force: true, base: '0x15000000' } }))
    expect(result.transactions.map((t) => t.status)).toEqual(['failed', 'failed'])
    expect(result.dmesg.filter((l) => /swiotlb addr 0x0000000015000000\+4096 overflow \(mask fffffff, bus limit 0\)\./.test(l))).toEqual(['dev0 0000:00:03.0: swiotlb addr 0x0000000015000000+4096 overflow (mask fffffff, bus limit 0).'])
    // With less memory the pool lands below the mask and bouncing works.
    const low = run(twoPages({ iommu: 'none', swiotlb: { force: true, base: '0x8000000', bytes: '0x400000' } })).result
    expect(low.transactions.map((t) => t.status)).toEqual(['unmapped', 'unmapped'])
    expect(low.transactions[0]?.segments[0]?.dma).toBe('0x8000000')
  })
})
