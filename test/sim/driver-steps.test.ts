/**
 * Driver steps (K-R45, K-R46): what dma_set_mask_and_coherent() and the
 * dma_parms setters store, and that every later mapping follows it while
 * earlier ones keep what they got.
 */
import { describe, expect, it } from 'vitest'
import { findings, GiB, hex, map, ram, run, unmap } from './helpers.js'
import { expandSegments } from '../../src/sim/result/segments.js'

const high = { phys: `0x${(5n * GiB).toString(16)}` }
const ends = (result: ReturnType<typeof run>['result'], tx: string) => expandSegments(result.transactions.find((t) => t.name === tx)?.segments ?? [])

describe('driver steps', () => {
  it('K-R45 dma-direct: after a fall-back to 32 bits, memory above 4 GiB bounces; before it, it did not', () => {
    const { result } = run({
      iommu: 'none',
      ramBytes: '0x200000000',
      device: { dmaMask: 64 },
      regions: [ram('a', 0x1000, high), ram('b', 0x1000, { phys: `0x${(5n * GiB + 0x10000n).toString(16)}` })],
      steps: [map('x', 'page', ['a'], 'to-device'), unmap('x'), { op: 'set-dma-mask', bits: 32 }, map('y', 'page', ['b'], 'to-device'), unmap('y')],
    })
    expect(BigInt(ends(result, 'x')[0]?.dma ?? 0)).toBe(5n * GiB)
    const y = BigInt(ends(result, 'y')[0]?.dma ?? 0)
    expect(y < 1n << 32n).toBe(true)
    expect(result.device.dmaMask).toBe('0xffffffff')
    expect(result.transactions.find((t) => t.name === 'y')?.counters.bounceSlots ?? 0).toBeGreaterThan(0)
  })

  it('K-R45 dma-iommu: IOVAs come from below the new mask', () => {
    const { result } = run({
      device: { dmaMask: 28 },
      regions: [ram('a', 0x1000), ram('b', 0x1000)],
      steps: [map('x', 'page', ['a']), { op: 'set-dma-mask', bits: 24 }, map('y', 'page', ['b']), unmap('y'), unmap('x')],
    })
    const x = BigInt(ends(result, 'x')[0]?.dma ?? 0)
    const y = BigInt(ends(result, 'y')[0]?.dma ?? 0)
    expect(hex(x)).toBe('0xffff000')
    expect(hex(y)).toBe('0xfff000')
  })

  it('K-R45 dma-direct refuses a mask that does not reach ZONE_DMA: -EIO, the old mask stays', () => {
    const { result, machine } = run({
      iommu: 'none',
      device: { dmaMask: 32 },
      steps: [{ op: 'set-dma-mask', bits: 20 }],
    })
    const call = machine.trace.calls.find((c) => c.fn === 'dma_set_mask_and_coherent')
    expect(call?.ret).toBe(-5)
    expect(call?.errno).toBe('-EIO')
    expect(result.device.dmaMask).toBe('0xffffffff')
    expect(findings(machine, 'K-R45').map((f) => f.message)[0]).toMatch(/DMA_BIT_MASK\(20\)\) = -EIO: dma-direct cannot reach all of ZONE_DMA .* keeps its 32-bit mask/)
  })

  it('K-R45 an accepted mask sets dma_skip_sync from coherence again (dma_setup_need_sync())', () => {
    const { machine } = run({
      iommu: 'none',
      swiotlb: { force: true },
      regions: [ram('a', 0x1000)],
      steps: [map('x', 'page', ['a'], 'from-device')],
    })
    expect(machine.dev.dmaSkipSync).toBe(false)
    machine.api.dma_set_mask_and_coherent(64)
    expect(machine.dev.dmaSkipSync).toBe(true)
  })

  it('K-R46 a smaller maximum segment size cuts the IOMMU coalescing of a later scatterlist only', () => {
    const regions = [ram('a', 0x4000), ram('b', 0x4000)]
    const { result } = run({
      regions,
      steps: [map('x', 'sg', ['a', 'b']), unmap('x'), { op: 'set-max-segment-size', bytes: 0x4000 }, map('y', 'sg', ['a', 'b']), unmap('y')],
    })
    expect(ends(result, 'x').length).toBe(1)
    expect(ends(result, 'y').map((s) => s.len)).toEqual(['0x4000', '0x4000'])
  })

  it('K-R46 a segment boundary set later keeps bounce slots from crossing it (swiotlb)', () => {
    const { result } = run({
      iommu: 'none',
      swiotlb: { force: true, base: '0x10000000', bytes: '0x400000' },
      regions: [ram('a', 0x800), ram('b', 0x1800)],
      steps: [map('x', 'page', ['a'], 'to-device'), { op: 'set-segment-boundary', mask: '0x1fff' }, map('y', 'page', ['b'], 'to-device'), unmap('y'), unmap('x')],
    })
    // Slot 0 is taken; three slots from 0x10000800 would cross 0x10002000, so the search moves to the next 8 KiB window.
    expect(ends(result, 'x')[0]?.dma).toBe('0x10000000')
    expect(ends(result, 'y')[0]?.dma).toBe('0x10002000')
  })

  it('K-R46 a min_align_mask set later keeps the original offset in the bounce address', () => {
    const { result } = run({
      iommu: 'none',
      swiotlb: { force: true, base: '0x10000000', bytes: '0x400000' },
      regions: [ram('a', 0x100, { offset: '0xa40' }), ram('b', 0x100, { offset: '0xa40' })],
      steps: [map('x', 'page', ['a'], 'to-device'), unmap('x'), { op: 'set-min-align-mask', mask: 0xfff }, map('y', 'page', ['b'], 'to-device'), unmap('y')],
    })
    expect(BigInt(ends(result, 'x')[0]?.dma ?? 0) & 0xfffn).toBe(0n)
    expect(BigInt(ends(result, 'y')[0]?.dma ?? 0) & 0xfffn).toBe(0xa40n)
  })
})
