/**
 * The IOVA allocator of drivers/iommu/iova.c (K-R18 to K-R22): the addresses
 * must be the kernel's, including its next-fit walk and caches.
 */
import { describe, expect, it } from 'vitest'
import { PAGE_SIZE } from '../../src/sim/consts.js'
import { IovaDomain } from '../../src/sim/iommu/iova.js'
import { iommuDmaAllocIova } from '../../src/sim/dma/dma-iommu.js'
import { GiB, hex, machine, run, ram, map, unmap } from './helpers.js'

describe('IOVA allocation', () => {
  it('K-R18 limit is min(mask, bus limit) capped by the IOMMU aperture', () => {
    const m = machine({ addressWidth: 39, device: { dmaMask: 64, pci: false } })
    const iova = iommuDmaAllocIova(m, 4096n, m.dev.dmaMask ?? 0n)
    // No 32-bit-first for a non-PCI device: top-down from 2^39.
    expect(hex(iova)).toBe('0x7ffffff000')
    m.dev.busDmaLimit = (1n << 36n) - 1n
    expect(hex(iommuDmaAllocIova(m, 4096n, m.dev.dmaMask ?? 0n))).toBe('0xffffff000')
  })

  it('K-R19 PCI devices try below 4 GiB first, then switch to the full mask for good', () => {
    const m = machine({ device: { dmaMask: 64 } })
    expect(hex(iommuDmaAllocIova(m, 4096n, m.dev.dmaMask ?? 0n))).toBe('0xfffff000')
    // A 4 GiB request cannot fit in the 32-bit space: fallback with the notice.
    const big = iommuDmaAllocIova(m, 4n * GiB, m.dev.dmaMask ?? 0n)
    expect(hex(big)).toBe('0xffff00000000')
    expect(m.reporter.dmesg.filter((l) => l.endsWith('Using 48-bit DMA addresses'))).toEqual(['dev0 0000:00:03.0: Using 48-bit DMA addresses'])
    expect(m.dev.pci32bitWorkaround).toBe(false)
    // From now on small requests come from the top of the full space too.
    expect(hex(iommuDmaAllocIova(m, 4096n, m.dev.dmaMask ?? 0n))).toBe('0xfffefffff000')
  })

  it('K-R20 sizes below 32 granules round to a power of two, every IOVA is naturally aligned, top-down', () => {
    const m = machine({ device: { dmaMask: 32 } })
    const a = iommuDmaAllocIova(m, 4096n, m.dev.dmaMask ?? 0n)
    const b = iommuDmaAllocIova(m, 4096n, m.dev.dmaMask ?? 0n)
    const c = iommuDmaAllocIova(m, 3n * 4096n, m.dev.dmaMask ?? 0n)
    expect([a, b, c].map(hex)).toEqual(['0xfffff000', '0xffffe000', '0xffff8000'])
    // 33 granules are not rounded, but aligned to 64 granules.
    const d = iommuDmaAllocIova(m, 33n * 4096n, m.dev.dmaMask ?? 0n)
    expect(d % (64n * 4096n)).toBe(0n)
    expect(hex(d)).toBe('0xfffc0000')
    expect(m.domain?.iovad.allocated().find((n) => n.lo === Number(d >> 12n))?.hi).toBe(Number(d >> 12n) + 32)
  })

  it('K-R20 the walk is next-fit: the hole left by alignment is not revisited', () => {
    const d = new IovaDomain(4096, 1)
    const lim = 2 ** 20
    const a = d.allocRange(1, lim, true)
    const b = d.allocRange(4, lim, true)
    const c = d.allocRange(1, lim, true)
    // b sits at 0xffff8..0xffffb, leaving 0xffffc..0xffffe free above it; c goes below b.
    expect([a?.lo, b?.lo, c?.lo]).toEqual([0xfffff, 0xffff8, 0xffff7])
  })

  it('K-R21 freed small IOVAs come back from the per-CPU magazine', () => {
    const m = machine({ device: { dmaMask: 32 } })
    const d = m.domain!
    const a = d.allocIova(1, 0xfffff, true)
    const b = d.allocIova(1, 0xfffff, true)
    d.freeIova(a, 1, false)
    expect(d.caches.cachedPfns()).toEqual([a])
    // The tree still holds it; the next request of that order is served from the magazine.
    expect(d.iovad.find(a)).toEqual({ lo: a, hi: a, reserved: false })
    expect(d.allocIova(1, 0xfffff, true)).toBe(a)
    // Sizes of 32 granules and more are not cached: they go back to the tree.
    const big = d.allocIova(64, 0xfffff, true)
    d.freeIova(big, 64, false)
    expect(d.iovad.find(big)).toBeUndefined()
    expect(b).toBe(0xffffe)
  })

  it('K-R21 a full magazine moves to the depot and delayed work trims it back to the tree', () => {
    const m = machine({ device: { dmaMask: 32 } })
    const d = m.domain!
    const pfns: number[] = []
    for (let i = 0; i < 127 * 3 + 1; i++) pfns.push(d.allocIova(1, 0xfffff, true))
    for (const p of pfns) d.freeIova(p, 1, false)
    // loaded and prev hold 127 + 1, two full magazines went to the depot.
    expect(d.caches.cachedPfns().length).toBe(pfns.length)
    const inTree = pfns.filter((p) => d.iovad.find(p) !== undefined).length
    expect(inTree).toBe(pfns.length)
    // 100 ms later the depot is trimmed to one magazine per online CPU: 127 pfns go back to the tree.
    m.clock.advance(104) // 100 ms are 25 jiffies, filed one late: the 26th tick
    expect(d.caches.cachedPfns().length).toBe(pfns.length - 127)
    expect(pfns.filter((p) => d.iovad.find(p) !== undefined).length).toBe(pfns.length - 127)
    m.clock.advance(1000)
    expect(d.caches.cachedPfns().length).toBe(pfns.length - 127)
  })

  it('K-R22 pfn 0 is never handed out', () => {
    const d = new IovaDomain(4096, 1)
    const got = [1, 2, 3, 4].map(() => d.allocRange(1, 4, true)?.lo)
    expect(got).toEqual([3, 2, 1, undefined])
  })

  it('K-R22 reserved ranges (the MSI window, the host bridge windows, P2P BAR windows) are never handed out', () => {
    const m = machine({ device: { dmaMask: 32 } })
    const sixteen = 16n << 20n
    const a = iommuDmaAllocIova(m, sixteen, m.dev.dmaMask ?? 0n)
    const b = iommuDmaAllocIova(m, sixteen, m.dev.dmaMask ?? 0n)
    expect(hex(a)).toBe('0xff000000')
    // 0xfe000000..0xfeffffff would cover the reserved 0xfee00000..0xfeefffff, and below it the
    // host bridge's window 0xc0000000..0xfebfffff is reserved: the next fit is under the ECAM's top.
    expect(hex(b)).toBe('0xbf000000')
    const m2 = machine({
      switches: [{ name: 'sw0' }],
      device: { dmaMask: 64, at: 'sw0' },
      devices: [{ name: 'gpu', at: 'sw0', p2pMemory: { bytes: '0x100000', bar: '0xfff00000' } }],
    })
    expect(hex(iommuDmaAllocIova(m2, 4096n, m2.dev.dmaMask ?? 0n))).toBe('0xffeff000')
  })

  it('K-R20 IOVA addresses of a plan follow the same walk (page strategy, 28-bit mask, reference platform)', () => {
    const { result } = run({
      kernel: '6.12',
      ramBytes: '0x20000000',
      device: { dmaMask: 28 },
      regions: [ram('a', PAGE_SIZE), ram('b', PAGE_SIZE)],
      steps: [map('t1', 'page', ['a'], 'to-device'), map('t2', 'page', ['b'], 'to-device'), unmap('t1'), unmap('t2')],
    })
    expect(result.transactions.map((t) => t.segments[0]?.dma)).toEqual(['0xffff000', '0xfffe000'])
  })
})
