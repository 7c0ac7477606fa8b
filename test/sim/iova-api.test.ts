/**
 * The two-step IOVA API (K-R26 to K-R36) and dmaplan's own checks of it.
 */
import { describe, expect, it } from 'vitest'
import { DMA_BIDIRECTIONAL, DMA_FROM_DEVICE, DMA_IOVA_USE_SWIOTLB, DMA_TO_DEVICE, ERRNO } from '../../src/sim/consts.js'
import { dmaUseIova, newIovaState } from '../../src/sim/dma/iova-api.js'
import { findings, machine, map, ram, run, unmap } from './helpers.js'

const P = 0x1_0000_0000n

describe('the IOVA API', () => {
  it('K-R13 an untrusted device without a swiotlb pool: a sub-granule link fails with -ENOMEM ("bounce buffers are inactive"), a scatterlist maps entry by entry and fails', () => {
    // 4 GiB of RAM or less: x86 sets up no swiotlb pool (pci_swiotlb_detect()).
    const m = machine({ ramBytes: '0x20000000', device: { trusted: false, dmaMask: 64 } })
    expect(m.swiotlb).toBeUndefined()
    const st = newIovaState()
    expect(m.api.dma_iova_try_alloc(st, 0x1000_0200n, 0x2000n)).toBe(true)
    expect(m.api.dma_iova_link(st, 0x1000_0200n, 0n, 0xe00n, DMA_TO_DEVICE, 0)).toBe(-ERRNO.ENOMEM)
    expect(findings(m, 'K-R13').map((f) => f.message)).toEqual(['dev0 0000:00:03.0: DMA bounce buffers are inactive, unable to map unaligned transaction.'])
    m.api.dma_iova_destroy(st, 0n, DMA_TO_DEVICE, 0)
    const sg = run({
      ramBytes: '0x20000000',
      device: { trusted: false, dmaMask: 64 },
      regions: [ram('a', 0xe00, { offset: '0x200' }), ram('b', 0x1000)],
      steps: [map('t', 'sg', ['a', 'b'], 'to-device'), unmap('t')],
    })
    expect(sg.result.transactions[0]?.calls.find((c) => c.fn === 'dma_map_sgtable')?.errno).toBe('-EIO')
  })

  it('K-R32 from 6.18 an MMIO range on a device that bounces is refused with -EPERM before anything is linked', () => {
    const m = machine({ device: { trusted: false, dmaMask: 64 } })
    const st = newIovaState()
    expect(m.api.dma_iova_try_alloc(st, P, 0x3000n)).toBe(true)
    expect(m.api.dma_iova_link(st, P + 0x100n, 0n, 0x2e00n, DMA_TO_DEVICE, 1 << 10)).toBe(-ERRNO.EPERM)
    expect(m.domain?.pgtable.present).toBe(0)
    m.api.dma_iova_destroy(st, 0n, DMA_TO_DEVICE, 0)
  })

  it('K-R26 a failed dma_iova_try_alloc zeroes the state and the strategy falls back to per-range mappings', () => {
    const m = machine({}, { exhaustIova: true })
    const st = newIovaState()
    st.addr = 123n
    expect(m.api.dma_iova_try_alloc(st, P, 0x1000n)).toBe(false)
    expect(st.addr).toBe(0n)
    expect(dmaUseIova(st)).toBe(false)
    const { result } = run({ regions: [ram('a', 0x2000)], steps: [map('t', 'iova', ['a']), unmap('t')] }, { failAtCall: 1 })
    const t = result.transactions[0]
    expect(t?.path).toBe('fallback')
    expect(t?.calls.map((c) => c.fn)).toEqual([
      'dma_iova_try_alloc',
      'dma_max_mapping_size',
      'dma_map_phys',
      'dma_mapping_error',
      'dma_need_unmap',
      'dma_unmap_phys',
    ])
    expect(result.ok).toBe(true)
  })

  it('K-R27 a 6.12 kernel has no IOVA API: behind VT-d the driver built for 7.0 gets the stub that says no and maps each range (seen on QEMU)', () => {
    // test/kernel scenario strict_iova: Debian 6.12 gave 0xfffe000 and 0xfffc000, one IOVA per buffer.
    const spec = (kernel: string) => ({
      kernel,
      ramBytes: '0x20000000',
      device: { dmaMask: 28 },
      regions: [ram('a', 0x1000, { phys: '0x2ac0000' }), ram('b', 0x2000, { phys: '0x2ac2000' })],
      steps: [map('mr', 'iova', ['a', 'b']), unmap('mr')],
    })
    const old = run(spec('6.12')).result.transactions[0]
    expect(old?.path).toBe('fallback')
    expect(old?.segments.map((x) => [x.dma, x.len])).toEqual([
      ['0xffff000', '0x1000'],
      ['0xfffc000', '0x2000'],
    ])
    expect(old?.calls[0]).toMatchObject({ fn: 'dma_iova_try_alloc', ret: false })
    expect(run(spec('6.16')).result.transactions[0]?.path).toBe('iova')
  })

  it('K-R27 the IOVA API is only usable behind IOMMU-DMA; elsewhere link and sync are the -EOPNOTSUPP stubs', () => {
    for (const iommu of ['passthrough', 'none'] as const) {
      const m = machine({ iommu })
      const st = newIovaState()
      expect(m.api.dma_iova_try_alloc(st, P, 0x1000n)).toBe(false)
      expect(m.api.dma_iova_link(st, P, 0n, 0x1000n, DMA_BIDIRECTIONAL, 0)).toBe(-ERRNO.EOPNOTSUPP)
      expect(m.api.dma_iova_sync(st, 0n, 0x1000n)).toBe(-ERRNO.EOPNOTSUPP)
      m.api.dma_iova_destroy(st, 0x1000n, DMA_BIDIRECTIONAL, 0)
    }
  })

  it('K-R28 only the first link may start off the granule; links at an unaligned IOVA are refused by the IOMMU', () => {
    const m = machine()
    const st = newIovaState()
    m.api.dma_iova_try_alloc(st, 0n, 0x4000n)
    expect(m.api.dma_iova_link(st, P + 0x200n, 0x1000n, 0x800n, DMA_BIDIRECTIONAL, 0)).toBe(-ERRNO.EIO)
    expect(findings(m, 'K-R28')[0]?.message).toMatch(/WARNING: dma_iova_link/)
    expect(m.api.dma_iova_link(st, P, 0x800n, 0x1000n, DMA_BIDIRECTIONAL, 0)).toBe(-ERRNO.EINVAL)
  })

  it('K-R29 the first link must use the sub-granule offset given to dma_iova_try_alloc', () => {
    const m = machine()
    const st = newIovaState()
    m.api.dma_iova_try_alloc(st, P + 0x200n, 0x1000n)
    expect(st.addr % 0x1000n).toBe(0x200n)
    // Same offset: fine. A different one computes a misaligned IOVA and the map fails.
    const ok = newIovaState()
    m.api.dma_iova_try_alloc(ok, P + 0x200n, 0x1000n)
    expect(m.api.dma_iova_link(ok, P + 0x200n, 0n, 0x1000n, DMA_BIDIRECTIONAL, 0)).toBe(0)
    expect(m.api.dma_iova_link(st, P + 0x600n, 0n, 0x100n, DMA_BIDIRECTIONAL, 0)).toBe(-ERRNO.EINVAL)
  })

  it('K-R30 links are invisible to the device until dma_iova_sync', () => {
    const m = machine()
    const st = newIovaState()
    m.api.dma_iova_try_alloc(st, 0n, 0x1000n)
    m.api.dma_iova_link(st, P, 0n, 0x1000n, DMA_BIDIRECTIONAL, 0)
    m.engine.read(st.addr, 8)
    expect(findings(m, 'DMAR')[0]?.message).toMatch(/linked but not yet synced, R30/)
    m.api.dma_iova_sync(st, 0n, 0x1000n)
    m.engine.read(st.addr, 8)
    expect(findings(m, 'DMAR')).toHaveLength(1)
  })

  it('K-R31 links outside the state or over a linked granule are hard errors (not checked by the kernel)', () => {
    const m = machine()
    const st = newIovaState()
    m.api.dma_iova_try_alloc(st, 0n, 0x2000n)
    expect(m.api.dma_iova_link(st, P, 0n, 0x1000n, DMA_BIDIRECTIONAL, 0)).toBe(0)
    // VT-d's generic page table (6.19, vtd-generic-pt) refuses it; the test of that entry shows what came before.
    expect(m.api.dma_iova_link(st, P, 0n, 0x1000n, DMA_BIDIRECTIONAL, 0)).toBe(-ERRNO.EADDRINUSE)
    expect(findings(m, 'K-R31')[0]?.message).toMatch(/a second time/)
    // The kernel maps past the state without a word; dmaplan reports it.
    expect(m.api.dma_iova_link(st, P, 0x2000n, 0x1000n, DMA_BIDIRECTIONAL, 0)).toBe(0)
    expect(findings(m, 'K-R31')[1]?.message).toMatch(/outside the state/)
    expect(findings(m, 'K-R31').every((f) => f.severity === 'error')).toBe(true)
  })

  it('K-R32 an untrusted device bounces only the unaligned head and tail granules', () => {
    // The bounce slot keeps the buffer's offset in its granule only through min_align_mask (NVMe's 4 KiB - 1).
    const m = machine({ device: { trusted: false, minAlignMask: 0xfff } })
    const st = newIovaState()
    const phys = P + 0x800n
    m.api.dma_iova_try_alloc(st, phys, 0x3000n)
    expect(m.api.dma_iova_link(st, phys, 0n, 0x3000n, DMA_TO_DEVICE, 0)).toBe(0)
    expect(st.size & DMA_IOVA_USE_SWIOTLB).toBe(DMA_IOVA_USE_SWIOTLB)
    // Head 0x800 bytes and tail 0x800 bytes went to bounce slots, the middle two granules are direct.
    const d = m.domain!
    const head = d.iovaToPhys(st.addr)
    const mid = d.iovaToPhys(st.addr + 0x800n)
    const tail = d.iovaToPhys(st.addr + 0x2800n)
    expect(m.swiotlb?.isBuffer(head)).toBe(true)
    expect(mid).toBe(phys + 0x800n)
    expect(m.swiotlb?.isBuffer(tail)).toBe(true)
    expect(m.stats.total[6]).toBe(0x1000) // bytes copied in: 0x800 + 0x800
    m.api.dma_iova_destroy(st, 0x3000n, DMA_TO_DEVICE, 0)
    expect(m.swiotlb?.mappedSlots).toBe(0)
  })

  it('K-R32 without min_align_mask the bounced head lands granule-aligned and the IOMMU refuses the link', () => {
    const m = machine({ device: { trusted: false } })
    const st = newIovaState()
    m.api.dma_iova_try_alloc(st, P + 0x800n, 0x3000n)
    expect(m.api.dma_iova_link(st, P + 0x800n, 0n, 0x3000n, DMA_TO_DEVICE, 0)).toBe(-ERRNO.EINVAL)
    // The failed bounce link released its slot.
    expect(m.swiotlb?.mappedSlots).toBe(0)
  })

  it('K-R33 a non-coherent device gets cache cleaning per link and per-granule invalidation on unlink', () => {
    const m = machine({ device: { coherent: false } })
    const st = newIovaState()
    m.api.dma_iova_try_alloc(st, 0n, 0x4000n)
    m.api.dma_iova_link(st, P, 0n, 0x4000n, DMA_FROM_DEVICE, 0)
    expect(m.stats.total[8]).toBe(1)
    m.api.dma_iova_sync(st, 0n, 0x4000n)
    m.api.dma_iova_unlink(st, 0n, 0x4000n, DMA_FROM_DEVICE, 0)
    // One arch_sync_dma_for_cpu() per granule in the slow path.
    expect(m.stats.total[8]).toBe(1 + 4)
  })

  it('K-R34 unlinking what was never linked makes the kernel WARN (and dmaplan say why)', () => {
    const m = machine()
    const st = newIovaState()
    m.api.dma_iova_try_alloc(st, 0n, 0x2000n)
    m.api.dma_iova_link(st, P, 0n, 0x1000n, DMA_BIDIRECTIONAL, 0)
    m.api.dma_iova_unlink(st, 0n, 0x2000n, DMA_BIDIRECTIONAL, 0)
    const f = findings(m, 'K-R34')
    expect(f.filter((x) => x.source === 'kernel' && /unmapped 0x1000 of 0x2000/.test(x.message)).map((x) => x.message)).toEqual(['WARNING: __iommu_dma_iova_unlink: dev0 0000:00:03.0: unmapped 0x1000 of 0x2000 bytes at IOVA 0xffffe000'])
    expect(f.filter((x) => x.source === 'dmaplan').map((x) => x.message)).toEqual(['dmaplan IOVA-API check (not tracked by the kernel): dma_iova_unlink() unlinks granule 1 of the state, which is not linked'])
  })

  it('K-R35 dma-debug does not track the IOVA API: a sync on its range is a false "not allocated"', () => {
    const m = machine()
    const st = newIovaState()
    m.api.dma_iova_try_alloc(st, 0n, 0x1000n)
    m.api.dma_iova_link(st, P, 0n, 0x1000n, DMA_BIDIRECTIONAL, 0)
    m.api.dma_iova_sync(st, 0n, 0x1000n)
    expect(m.debug.liveEntries).toBe(0)
    m.api.dma_sync_single_for_cpu(st.addr, 0x1000n, DMA_BIDIRECTIONAL)
    const f = findings(m, 'D16')
    expect(f).toHaveLength(1)
    expect(f[0]?.severity).toBe('warning')
    expect(f[0]?.message).toMatch(/false positive/)
  })

  it('K-R36 dma_iova_try_alloc ignores min_align_mask, which __iommu_dma_map refuses above the granule', () => {
    const m = machine({ device: { minAlignMask: 0x1fff } })
    expect(m.api.dma_map_phys(P, 0x1000n, DMA_BIDIRECTIONAL, 0)).toBe((1n << 64n) - 1n)
    expect(findings(m, 'K-R14')[0]?.message).toMatch(/Unsupported alignment constraint/)
    expect(m.api.dma_iova_try_alloc(newIovaState(), P, 0x1000n)).toBe(true)
  })

  it("D14 D21 (dmaplan) the IOVA API gets dma-debug's direction and unbind checks too", () => {
    const { result } = run({ regions: [ram('a', 0x1000)], steps: [map('t', 'iova', ['a']), { op: 'keep', tx: 't' }] }, { unbind: true })
    expect(result.findings.find((f) => f.id === 'D21' && f.source === 'dmaplan')?.message).toMatch(/1 IOVA state\(s\) still allocated at driver unbind/)
    const m = machine()
    const st = newIovaState()
    m.api.dma_iova_try_alloc(st, 0n, 0x1000n)
    m.api.dma_iova_link(st, P, 0n, 0x1000n, DMA_TO_DEVICE, 0)
    m.api.dma_iova_sync(st, 0n, 0x1000n)
    m.api.dma_iova_destroy(st, 0x1000n, DMA_FROM_DEVICE, 0)
    expect(findings(m, 'D14')[0]?.message).toMatch(/dmaplan IOVA-API check.*dma_iova_destroy\(\) with DMA_FROM_DEVICE on a range linked with DMA_TO_DEVICE/)
  })

  it('K-R8 (dmaplan) a state used after dma_iova_destroy is reported', () => {
    const m = machine()
    const st = newIovaState()
    m.api.dma_iova_try_alloc(st, 0n, 0x1000n)
    m.api.dma_iova_link(st, P, 0n, 0x1000n, DMA_BIDIRECTIONAL, 0)
    m.api.dma_iova_destroy(st, 0x1000n, DMA_BIDIRECTIONAL, 0)
    m.api.dma_iova_link(st, P, 0n, 0x1000n, DMA_BIDIRECTIONAL, 0)
    expect(findings(m, 'IOVA')[0]?.message).toMatch(/already freed/)
  })
})
