/**
 * swiotlb (K-S1 to K-S12): geometry, slot search, copies and failures.
 */
import { describe, expect, it } from 'vitest'
import { DMA_BIDIRECTIONAL, DMA_FROM_DEVICE, DMA_MAPPING_ERROR, DMA_TO_DEVICE, MMIO, NO_WARN, SKIP_CPU_SYNC } from '../../src/sim/consts.js'
import { Swiotlb } from '../../src/sim/dma/swiotlb.js'
import { swiotlbSlabs } from '../../src/sim/mem/layout.js'
import { findings, hex, machine } from './helpers.js'

const P = 0x1_0000_0000n
/** A platform that bounces everything: no IOMMU, swiotlb=force, a pool at a known base. */
const forced = (device = {}, swiotlb = {}) => machine({ iommu: 'none', swiotlb: { force: true, base: '0x10000000', bytes: '0x400000', ...swiotlb }, device })

describe('swiotlb', () => {
  it('K-S1 slots are 2 KiB in 128-slot segments: at most 256 KiB per mapping, never across a segment', () => {
    const m = forced()
    const pool = m.swiotlb!
    expect(pool.nslabs).toBe(2048)
    expect(m.api.dma_map_phys(P, 0x40001n, DMA_TO_DEVICE, 0)).toBe(DMA_MAPPING_ERROR)
    const a = m.api.dma_map_phys(P, 0x1800n, DMA_TO_DEVICE, 0) // 3 slots (page aligned: slot 0)
    const b = m.api.dma_map_phys(P, 0x40000n, DMA_TO_DEVICE, 0) // a whole segment: the next one
    expect(hex(a)).toBe('0x10000000')
    expect(hex(b)).toBe('0x10040000')
    expect(swiotlbSlabs(64n << 20n)).toBe(32768)
    // One area: the slab count rounds up to a power of two.
    expect(swiotlbSlabs(48n << 20n)).toBe(32768)
  })

  it('K-S2 the maximum mapping size shrinks by min_align_mask rounded to a slot', () => {
    expect(Swiotlb.maxMappingSize(forced())).toBe(0x40000n)
    expect(Swiotlb.maxMappingSize(forced({ minAlignMask: 0xfff }))).toBe(0x40000n - 0x1000n)
    expect(forced().api.dma_max_mapping_size()).toBe(0x40000n)
  })

  it('K-S3 allocations are slot aligned, page aligned from one page up, granule aligned for IOMMU callers', () => {
    const m = forced()
    const small = m.api.dma_map_phys(P + 0x10n, 0x100n, DMA_TO_DEVICE, 0)
    const page = m.api.dma_map_phys(P, 0x1000n, DMA_TO_DEVICE, 0)
    expect(hex(small)).toBe('0x10000000')
    // Slot 1 is free but not page aligned: the search moves on to slot 2.
    expect(hex(page)).toBe('0x10001000')
    const iommu = machine({ device: { trusted: false } })
    const a = iommu.api.dma_map_phys(P + 0x10n, 0x100n, DMA_TO_DEVICE, 0)
    const bounce = iommu.domain!.iovaToPhys(a)
    expect(bounce % 4096n).toBe(0n)
  })

  it('K-S4 min_align_mask bits of the original address are kept in the bounce address', () => {
    const m = forced({ minAlignMask: 0xfff })
    const a = m.api.dma_map_phys(P + 0x1a40n, 0x100n, DMA_TO_DEVICE, 0)
    expect(a & 0xfffn).toBe(0xa40n)
    const b = m.api.dma_map_phys(P + 0x0c40n, 0x100n, DMA_TO_DEVICE, 0)
    expect(b & 0xfffn).toBe(0xc40n)
  })

  it('K-S5 a bounce buffer never crosses the device segment boundary', () => {
    const m = forced({ segmentBoundary: '0x1fff' })
    const a = m.api.dma_map_phys(P, 0x1800n, DMA_TO_DEVICE, 0)
    // 0x10000000..0x100017ff; the next 3 slots from 0x10001800 would cross 0x10002000,
    // so the search moves to the next 8 KiB window.
    const b = m.api.dma_map_phys(P, 0x1800n, DMA_TO_DEVICE, 0)
    expect(hex(a)).toBe('0x10000000')
    expect(hex(b)).toBe('0x10002000')
    expect((b ^ (b + 0x17ffn)) & ~0x1fffn).toBe(0n)
  })

  it('K-S6 data moves at map (every direction), sync_for_device (TO/BIDI), sync_for_cpu (FROM/BIDI) and unmap (FROM/BIDI)', () => {
    const m = forced()
    const orig = P + 0x3000n
    m.cpuWrite(orig, new Uint8Array([1, 2, 3, 4]))
    const a = m.api.dma_map_phys(orig, 4n, DMA_FROM_DEVICE, 0)
    // Copied in even for FROM_DEVICE, so bytes the device does not write survive.
    expect([...m.mem.read(a, 4)]).toEqual([1, 2, 3, 4])
    m.engine.write(a, new Uint8Array([9, 9]))
    m.api.dma_sync_single_for_device(a, 4n, DMA_FROM_DEVICE)
    expect([...m.cpuRead(orig, 4)]).toEqual([1, 2, 3, 4])
    m.api.dma_sync_single_for_cpu(a, 4n, DMA_FROM_DEVICE)
    expect([...m.cpuRead(orig, 4)]).toEqual([9, 9, 3, 4])
    m.engine.write(a, new Uint8Array([7]))
    m.api.dma_unmap_phys(a, 4n, DMA_FROM_DEVICE, 0)
    expect([...m.cpuRead(orig, 4)]).toEqual([7, 9, 3, 4])
    // TO_DEVICE: nothing comes back; SKIP_CPU_SYNC on unmap: nothing comes back either.
    const b = m.api.dma_map_phys(orig, 4n, DMA_BIDIRECTIONAL, 0)
    m.engine.write(b, new Uint8Array([5]))
    m.api.dma_unmap_phys(b, 4n, DMA_BIDIRECTIONAL, SKIP_CPU_SYNC)
    expect(m.cpuRead(orig, 1)[0]).toBe(7)
  })

  it('K-S7 a sync larger than the allocation warns "Buffer overflow detected" and is clamped', () => {
    const m = forced()
    const a = m.api.dma_map_phys(P, 0x100n, DMA_BIDIRECTIONAL, 0)
    m.api.dma_sync_single_for_cpu(a, 0x1000n, DMA_BIDIRECTIONAL)
    expect(findings(m, 'K-S7')[0]?.message).toMatch(/Buffer overflow detected\. Allocation size: 256\. Mapping size: 4096\./)
  })

  it('K-S8 exhaustion fails with "swiotlb buffer is full" (not with DMA_ATTR_NO_WARN)', () => {
    const full = machine({ iommu: 'none', swiotlb: { force: true } }, { swiotlbFull: true })
    expect(full.api.dma_map_phys(P, 0x1000n, DMA_TO_DEVICE, 0)).toBe(DMA_MAPPING_ERROR)
    expect(findings(full, 'K-S8')[0]?.message).toMatch(/swiotlb buffer is full \(sz: 4096 bytes\), total 32768 \(slots\), used 32768 \(slots\)/)
    const quiet = machine({ iommu: 'none', swiotlb: { force: true } }, { swiotlbFull: true })
    quiet.api.dma_map_phys(P, 0x1000n, DMA_TO_DEVICE, NO_WARN)
    expect(findings(quiet, 'K-S8')).toHaveLength(0)
    // x86 creates no pool when all RAM is below 4 GiB and nothing forces one: mapping beyond the mask then just fails.
    const none = machine({ iommu: 'none', ramBytes: '0x20000000', device: { dmaMask: 28 } })
    expect(none.swiotlb).toBeUndefined()
    expect(none.api.dma_map_phys(0x13f91000n, 0x1000n, DMA_TO_DEVICE, 0)).toBe(DMA_MAPPING_ERROR)
  })

  it('K-S9 a bounce slot the device cannot reach is released and the map fails', () => {
    const m = machine({ iommu: 'none', swiotlb: { force: true, base: '0x15000000' }, ramBytes: '0x20000000', device: { dmaMask: 28 } })
    expect(m.api.dma_map_phys(0x100000n * 0x10n, 0x1000n, DMA_TO_DEVICE, 0)).toBe(DMA_MAPPING_ERROR)
    expect(findings(m, 'K-S9')[0]?.message).toMatch(/swiotlb addr 0x0000000015000000\+4096 overflow \(mask fffffff, bus limit 0\)/)
    expect(m.swiotlb?.mappedSlots).toBe(0)
  })

  it('K-S10 the first bounce clears dma_skip_sync for good', () => {
    const m = forced()
    expect(m.dev.dmaSkipSync).toBe(true)
    const a = m.api.dma_map_phys(P, 0x100n, DMA_TO_DEVICE, 0)
    m.api.dma_unmap_phys(a, 0x100n, DMA_TO_DEVICE, 0)
    expect(m.dev.dmaSkipSync).toBe(false)
  })

  it('K-S11 when bouncing happens: forced, unreachable, kmalloc rule, untrusted sub-granule; MMIO never', () => {
    const masked = machine({ iommu: 'none', device: { dmaMask: 32 } })
    expect(masked.swiotlb?.isBuffer(masked.api.dma_map_phys(P, 0x1000n, DMA_TO_DEVICE, 0))).toBe(true)
    // kmalloc rule (K-R11): non-coherent, not TO_DEVICE, a kmalloc size class that is not cache-line aligned.
    const kmalloc = machine({ iommu: 'none', device: { coherent: false } })
    expect(kmalloc.swiotlb?.isBuffer(kmalloc.api.dma_map_phys(P, 0x20n, DMA_FROM_DEVICE, 0))).toBe(true)
    expect(kmalloc.swiotlb?.isBuffer(kmalloc.api.dma_map_phys(P, 0x20n, DMA_TO_DEVICE, 0))).toBe(false)
    expect(kmalloc.swiotlb?.isBuffer(kmalloc.api.dma_map_phys(P, 0x40n, DMA_FROM_DEVICE, 0))).toBe(false)
    expect(kmalloc.swiotlb?.isBuffer(kmalloc.api.dma_map_phys(P, 0x100n, DMA_FROM_DEVICE, 0))).toBe(false)
    const untrusted = machine({ device: { trusted: false } })
    const a = untrusted.api.dma_map_phys(P + 0x10n, 0x100n, DMA_TO_DEVICE, 0)
    expect(untrusted.swiotlb?.isBuffer(untrusted.domain!.iovaToPhys(a))).toBe(true)
    const b = untrusted.api.dma_map_phys(P, 0x1000n, DMA_TO_DEVICE, 0)
    expect(untrusted.domain!.iovaToPhys(b)).toBe(P)
    expect(forced().api.dma_map_phys(0x380_0000_0000n, 0x1000n, DMA_TO_DEVICE, MMIO)).toBe(DMA_MAPPING_ERROR)
  })

  it("K-S12 bounce buffers are shared memory: a confidential guest's device reads plaintext through them", () => {
    const m = machine({ iommu: 'none', coco: true, regions: [{ name: 'r', memory: 'ram', bytes: '0x1000', encrypted: true, phys: '0x100000000' }] })
    m.cpuWrite(P, new Uint8Array([0x11, 0x22]))
    // Private memory reads as ciphertext for the device...
    expect([...m.engine.read(P, 2)]).not.toEqual([0x11, 0x22])
    // ...but through the bounce slot it reads what the CPU wrote.
    const a = m.api.dma_map_phys(P, 2n, DMA_TO_DEVICE, 0)
    expect([...m.engine.read(a, 2)]).toEqual([0x11, 0x22])
  })
})
