/**
 * Dispatch, dma-direct and IOMMU-DMA single mappings (K-R1 to K-R17), errors
 * (K-R40 to K-R42) and ownership (K-R43, K-R44).
 */
import { describe, expect, it } from 'vitest'
import {
  DMA_BIDIRECTIONAL,
  DMA_FROM_DEVICE,
  DMA_MAPPING_ERROR,
  DMA_TO_DEVICE,
  ERRNO,
  IOMMU_CACHE,
  IOMMU_MMIO,
  IOMMU_PRIV,
  IOMMU_READ,
  IOMMU_WRITE,
  MMIO,
  PRIVILEGED,
  REQUIRE_COHERENT,
  SKIP_CPU_SYNC,
} from '../../src/sim/consts.js'
import type { DmaDir } from '../../src/sim/consts.js'
import { dmaCapable } from '../../src/sim/dma/direct.js'
import { dmaKmallocNeedsBounce } from '../../src/sim/dma/kmalloc.js'
import { KernelBug } from '../../src/sim/dma/mapping.js'
import { findings, hex, machine, map, ram, run, unmap } from './helpers.js'

const P = 0x1_0000_0000n
const BAR = 0x380_0000_0000n
const provider = { name: 'gpu', p2pMemory: { bytes: '0x100000', bar: '0x38000000000' } }

describe('dispatch', () => {
  it('K-R1 IOMMU-DMA when translated, dma-direct for passthrough and no IOMMU', () => {
    expect(machine({ iommu: 'translated' }).dev.dmaIommu).toBe(true)
    expect(machine({ iommu: 'passthrough' }).dev.dmaIommu).toBe(false)
    const m = machine({ iommu: 'none' })
    expect(m.api.dma_map_phys(P, 0x1000n, DMA_TO_DEVICE, 0)).toBe(P)
  })

  it('K-R2 a direction outside the three valid ones is a kernel BUG', () => {
    const m = machine()
    expect(() => m.api.dma_map_phys(P, 0x1000n, 3 as DmaDir, 0)).toThrow(KernelBug)
    expect(findings(m, 'K-R2').map((f) => f.message)).toEqual(['kernel BUG at kernel/dma/mapping.c: dma_map_phys() with invalid direction 3'])
  })

  it('K-R3 a device without a DMA mask: WARN and error', () => {
    const m = machine()
    m.dev.dmaMask = undefined
    expect(m.api.dma_map_phys(P, 0x1000n, DMA_TO_DEVICE, 0)).toBe(DMA_MAPPING_ERROR)
    expect(findings(m, 'K-R3')).toHaveLength(1)
  })
})

describe('coherent allocations', () => {
  it('dma_alloc_coherent() memory is zero where a non-coherent CPU had dirty lines before (memset, then arch_dma_prep_coherent())', () => {
    for (const iommu of ['none', 'translated'] as const) {
      const { result } = run({
        iommu,
        device: { coherent: false },
        regions: [ram('ring', 0x2000)],
        steps: [{ op: 'cpu-write', region: 'ring' }, map('t', 'coherent', ['ring']), { op: 'device-read', tx: 't', region: 'ring' }, unmap('t')],
      })
      expect(result.data.errors, iommu).toEqual([])
    }
  })

  it('a map that fails for memory beyond the mask says so: a P2P BAR above a 32-bit mask through the host bridge, on dma-direct', () => {
    const { result } = run({
      // 6.13: dma_direct_map_page() refuses to bounce a P2P page (before 6.18), and maps its entry (6.17 to 6.19 left it unmapped).
      kernel: '6.13',
      iommu: 'none',
      hostBridgeP2P: true,
      device: { dmaMask: 32 },
      devices: [provider],
      regions: [{ name: 'v', memory: 'p2p', provider: 'gpu', bytes: '0x1000' }],
      steps: [map('t', 'sg', ['v'], 'to-device'), unmap('t')],
    })
    expect(result.findings.find((f) => f.id === 'MAP')?.message).toBe(
      "transaction t (sg) could not be mapped: dma_map_sgtable() failed (-5); v lies at 0x38000000000, above the device's 32-bit DMA mask, and P2P memory cannot bounce (where memory lies, not what the plan does)",
    )
  })
})

describe('dma-direct', () => {
  it('K-R4 forced bouncing: RAM bounces, MMIO (and 7.0 REQUIRE_COHERENT) fails', () => {
    const m = machine({ iommu: 'none', swiotlb: { force: true } })
    expect(m.swiotlb?.isBuffer(m.api.dma_map_phys(P, 0x1000n, DMA_TO_DEVICE, 0))).toBe(true)
    expect(m.api.dma_map_phys(BAR, 0x1000n, DMA_TO_DEVICE, MMIO)).toBe(DMA_MAPPING_ERROR)
    expect(m.api.dma_map_phys(P, 0x1000n, DMA_TO_DEVICE, REQUIRE_COHERENT)).toBe(DMA_MAPPING_ERROR)
  })

  it('K-R5 MMIO maps to the physical address unchanged, checked against the mask', () => {
    const m = machine({ iommu: 'none', devices: [provider] })
    expect(m.api.dma_map_phys(BAR, 0x1000n, DMA_TO_DEVICE, MMIO)).toBe(BAR)
    const narrow = machine({ iommu: 'none', device: { dmaMask: 32 }, devices: [provider] })
    expect(narrow.api.dma_map_phys(BAR, 0x1000n, DMA_TO_DEVICE, MMIO)).toBe(DMA_MAPPING_ERROR)
    expect(findings(narrow, 'K-R6')[0]?.message).toMatch(/DMA addr 0x0000038000000000\+4096 overflow \(mask ffffffff, bus limit 0\)/)
  })

  it('K-R6 RAM beyond the mask bounces when the pool exists, else fails with the overflow warning', () => {
    const withPool = machine({ iommu: 'none', device: { dmaMask: 32 } })
    expect(withPool.swiotlb?.isBuffer(withPool.api.dma_map_phys(P, 0x1000n, DMA_TO_DEVICE, 0))).toBe(true)
    const noPool = machine({ iommu: 'none', ramBytes: '0x20000000', device: { dmaMask: 28 } })
    expect(noPool.api.dma_map_phys(0x13f91000n, 0x1000n, DMA_TO_DEVICE, 0)).toBe(DMA_MAPPING_ERROR)
    expect(noPool.reporter.dmesg).toContain('dev0 0000:00:03.0: DMA addr 0x0000000013f91000+4096 overflow (mask fffffff, bus limit 0).')
    expect(noPool.api.dma_map_phys(0x26ae000n, 0x1000n, DMA_TO_DEVICE, 0)).toBe(0x26ae000n)
  })

  it('K-R7 dma_capable: the last byte must be under min_not_zero(mask, bus limit)', () => {
    const m = machine({ iommu: 'none', device: { dmaMask: 32 } })
    expect(dmaCapable(m, 0xffff_f000n, 0x1000n, true)).toBe(true)
    expect(dmaCapable(m, 0xffff_f000n, 0x1001n, true)).toBe(false)
    expect(dmaCapable(m, DMA_MAPPING_ERROR, 1n, true)).toBe(false)
    m.dev.busDmaLimit = 0xfff_ffffn
    expect(dmaCapable(m, 0xffff_f000n, 0x1000n, true)).toBe(false)
  })

  it('K-R8 a non-coherent device gets a cache clean at map time (not with SKIP_CPU_SYNC or MMIO)', () => {
    const m = machine({ iommu: 'none', device: { coherent: false } })
    m.api.dma_map_phys(P, 0x1000n, DMA_TO_DEVICE, 0)
    expect(m.stats.total[8]).toBe(1)
    m.api.dma_map_phys(P + 0x1000n, 0x1000n, DMA_TO_DEVICE, SKIP_CPU_SYNC)
    expect(m.stats.total[8]).toBe(1)
  })

  it('K-R9 unmap syncs for the CPU, copies back and releases the slot; MMIO unmaps do nothing', () => {
    const m = machine({ iommu: 'none', device: { dmaMask: 32 } })
    const a = m.api.dma_map_phys(P, 0x10n, DMA_FROM_DEVICE, 0)
    m.engine.write(a, new Uint8Array([0xaa]))
    m.api.dma_unmap_phys(a, 0x10n, DMA_FROM_DEVICE, 0)
    expect(m.cpuRead(P, 1)[0]).toBe(0xaa)
    expect(m.swiotlb?.mappedSlots).toBe(0)
  })

  it('K-R10 direct map_sg: 1:1, bus addresses, -EREMOTEIO for unreachable peers, -EIO with unwinding', () => {
    const sw = { switches: [{ name: 'sw' }], device: { at: 'sw' }, devices: [{ ...provider, at: 'sw' }] }
    const { result } = run({
      iommu: 'none',
      ...sw,
      regions: [ram('h', 0x1000), { name: 'v', memory: 'p2p', provider: 'gpu', bytes: '0x1000' }],
      steps: [map('t', 'sg', ['h', 'v'], 'to-device'), unmap('t')],
    })
    expect(result.transactions[0]?.segments.map((s) => s.dma)).toEqual([result.regions[0]?.phys, '0x38000000000'])
    const far = run({
      iommu: 'none',
      devices: [provider],
      regions: [{ name: 'v', memory: 'p2p', provider: 'gpu', bytes: '0x1000' }],
      steps: [map('t', 'sg', ['v'], 'to-device')],
    })
    expect(far.result.transactions[0]?.calls.find((c) => c.fn === 'dma_map_sgtable')?.errno).toBe('-EREMOTEIO')
    const noPool = run({
      iommu: 'none',
      ramBytes: '0x20000000',
      device: { dmaMask: 28 },
      regions: [ram('a', 0x1000, { phys: '0x1000000' }), ram('b', 0x1000, { phys: '0x13f91000' })],
      steps: [map('t', 'sg', ['a', 'b'], 'to-device')],
    })
    expect(noPool.result.transactions[0]?.calls.find((c) => c.fn === 'dma_map_sgtable')?.errno).toBe('-EIO')
    expect(noPool.machine.windows.count).toBe(0)
    expect(noPool.machine.debug.liveEntries).toBe(0)
  })

  it('K-R10 6.16 to 7.0 leave host-bridge P2P entries of a direct sg list unmapped (address 0); 6.12 maps them', () => {
    const spec = (kernel: string) => ({
      kernel,
      iommu: 'none' as const,
      hostBridgeP2P: true,
      devices: [provider],
      regions: [{ name: 'v', memory: 'p2p', provider: 'gpu', bytes: '0x1000' }],
      steps: [map('t', 'sg', ['v'], 'to-device'), { op: 'device-read', tx: 't', region: 'v' }, unmap('t')],
    })
    const bug = run(spec('7.0'))
    expect(bug.result.transactions[0]?.segments[0]?.dma).toBe('0x0')
    expect(bug.result.ok).toBe(false)
    expect(bug.result.findings.filter((f) => f.id === 'K-R10').map((x) => x.message)).toEqual(['dev0 0000:00:03.0: dma_direct_map_sg() leaves host-bridge P2P entry 0 unmapped (dma_address 0, kernel bug fixed in 7.1 by 560000d619ef)'])
    const fixed = run(spec('7.0'), { changes: { 'direct-sg-host-bridge-unmapped': false } })
    expect(fixed.result.transactions[0]?.segments[0]?.dma).toBe('0x38000000000')
    expect(run(spec('6.12')).result.transactions[0]?.segments[0]?.dma).toBe('0x38000000000')
  })

  it('K-R11 the kmalloc bounce rule: non-coherent, not TO_DEVICE, small and not cache-line sized', () => {
    const nc = machine({ device: { coherent: false } }).dev
    const c = machine().dev
    expect(dmaKmallocNeedsBounce(nc, 0x20n, DMA_FROM_DEVICE)).toBe(true)
    expect(dmaKmallocNeedsBounce(nc, 0x20n, DMA_TO_DEVICE)).toBe(false)
    expect(dmaKmallocNeedsBounce(nc, 0x100n, DMA_FROM_DEVICE)).toBe(false)
    expect(dmaKmallocNeedsBounce(c, 0x20n, DMA_FROM_DEVICE)).toBe(false)
  })

  it('K-R12 a confidential guest forces bouncing for streaming DMA and decrypts coherent allocations', () => {
    const { result, machine: m } = run({
      iommu: 'none',
      coco: true,
      regions: [
        { name: 'ring', memory: 'ram', bytes: '0x1000', encrypted: true },
        { name: 'buf', memory: 'ram', bytes: '0x1000', encrypted: true },
      ],
      steps: [
        map('c', 'coherent', ['ring']),
        map('s', 'page', ['buf'], 'to-device'),
        { op: 'cpu-write', region: 'ring' },
        { op: 'device-read', tx: 'c', region: 'ring' },
        { op: 'device-read', tx: 's', region: 'buf' },
        unmap('s'),
        unmap('c'),
      ],
    })
    expect(m.forceBounce).toBe(true)
    expect(result.transactions[1]?.counters.bounceSlots).toBe(2)
    expect(result.ok).toBe(true)
  })
})

describe('IOMMU-DMA single mappings', () => {
  it('K-R13 untrusted sub-granule buffers bounce, with the padding of the granule zeroed', () => {
    const m = machine({ device: { trusted: false } })
    const a = m.api.dma_map_phys(P + 0x100n, 0x200n, DMA_TO_DEVICE, 0)
    const bounce = m.domain!.iovaToPhys(a)
    expect(m.swiotlb?.isBuffer(bounce)).toBe(true)
    expect(a % 0x1000n).toBe(bounce % 0x1000n)
    // The device reading the whole granule sees zeros around the buffer.
    const page = m.engine.read(a - (a % 0x1000n), 0x1000)
    expect(page.slice(0x200).every((b) => b === 0)).toBe(true)
    expect(machine({ device: { trusted: false } }, {}).api.dma_map_phys(P, 0x1000n, DMA_TO_DEVICE, MMIO)).toBe(0xffff_f000n)
    expect(machine({ device: { trusted: false } }).api.dma_map_phys(P + 0x100n, 0x100n, DMA_TO_DEVICE, MMIO)).toBe(DMA_MAPPING_ERROR)
  })

  it('K-R14 the IOVA covers whole granules and the DMA address keeps the sub-granule offset', () => {
    const m = machine({ device: { dmaMask: 32 } })
    const a = m.api.dma_map_phys(P + 0xf00n, 0x200n, DMA_TO_DEVICE, 0)
    // 0xf00 + 0x200 crosses a granule: 2 granules of IOVA, naturally aligned.
    expect(hex(a)).toBe('0xffffef00')
    expect(m.domain?.pgtable.present).toBe(2)
  })

  it('K-R15 protections follow the direction; coherent adds IOMMU_CACHE, MMIO gets IOMMU_MMIO, PRIVILEGED IOMMU_PRIV', () => {
    const m = machine({ devices: [provider] })
    const prot = (a: bigint) => m.domain!.pgtable.translate(m.domain!.pfn(a))?.prot
    expect(prot(m.api.dma_map_phys(P, 0x1000n, DMA_TO_DEVICE, 0))).toBe(IOMMU_READ | IOMMU_CACHE)
    expect(prot(m.api.dma_map_phys(P, 0x1000n, DMA_FROM_DEVICE, 0))).toBe(IOMMU_WRITE | IOMMU_CACHE)
    expect(prot(m.api.dma_map_phys(P, 0x1000n, DMA_BIDIRECTIONAL, PRIVILEGED))).toBe(IOMMU_READ | IOMMU_WRITE | IOMMU_CACHE | IOMMU_PRIV)
    expect(prot(m.api.dma_map_phys(BAR, 0x1000n, DMA_TO_DEVICE, MMIO))).toBe(IOMMU_READ | IOMMU_MMIO)
    const nc = machine({ device: { coherent: false } })
    expect(nc.domain!.pgtable.translate(nc.domain!.pfn(nc.api.dma_map_phys(P, 0x1000n, DMA_TO_DEVICE, 0)))?.prot).toBe(IOMMU_READ)
    // A device write through a read-only mapping is a DMAR fault.
    const a = m.api.dma_map_phys(P, 0x1000n, DMA_TO_DEVICE, 0)
    m.engine.write(a, new Uint8Array(4))
    expect(findings(m, 'DMAR')[0]?.message).toMatch(/\[DMA Write NO_PASID\].*\[fault reason 0x05\] PTE Write access is not set/)
  })

  it('K-R16 unmap: translation looked up, caches invalidated, IOVA unmapped, bounce released', () => {
    const m = machine({ device: { coherent: false, trusted: false } })
    const a = m.api.dma_map_phys(P + 0x10n, 0x20n, DMA_FROM_DEVICE, 0)
    const before = m.stats.total[8] as number
    m.api.dma_unmap_phys(a, 0x20n, DMA_FROM_DEVICE, 0)
    expect(m.stats.total[8]).toBe(before + 1)
    expect(m.domain?.pgtable.present).toBe(0)
    expect(m.swiotlb?.mappedSlots).toBe(0)
    m.api.dma_unmap_phys(a, 0x20n, DMA_FROM_DEVICE, 0)
    expect(findings(m, 'K-R16')[0]?.message).toMatch(/no translation/)
  })

  it('K-R17 syncs do nothing for a coherent device that never bounces', () => {
    const m = machine()
    const a = m.api.dma_map_phys(P, 0x1000n, DMA_FROM_DEVICE, 0)
    m.api.dma_sync_single_for_cpu(a, 0x1000n, DMA_FROM_DEVICE)
    expect(m.stats.total[8]).toBe(0)
    expect(m.stats.total[7]).toBe(0)
  })
})

describe('errors and ownership', () => {
  it('K-R40 single maps report only DMA_MAPPING_ERROR; dma_mapping_error() turns it into -ENOMEM', () => {
    const m = machine({}, { exhaustIova: true })
    const a = m.api.dma_map_phys(P, 0x1000n, DMA_TO_DEVICE, 0)
    expect(a).toBe(DMA_MAPPING_ERROR)
    expect(m.api.dma_mapping_error(a)).toBe(-ERRNO.ENOMEM)
  })

  it('K-R41 dma_map_sgtable: -ENOMEM for IOVA exhaustion, -EREMOTEIO for unreachable P2P, -EIO on the swiotlb path', () => {
    const exhausted = run({ regions: [ram('a', 0x1000)], steps: [map('t', 'sg', ['a'])] }, { exhaustIova: true })
    expect(exhausted.result.transactions[0]?.calls.find((c) => c.fn === 'dma_map_sgtable')?.errno).toBe('-ENOMEM')
    const p2p = run({ devices: [provider], regions: [{ name: 'v', memory: 'p2p', provider: 'gpu', bytes: '0x1000' }], steps: [map('t', 'sg', ['v'])] })
    expect(p2p.result.transactions[0]?.calls.find((c) => c.fn === 'dma_map_sgtable')?.errno).toBe('-EREMOTEIO')
    const swio = run({ device: { trusted: false }, regions: [ram('a', 0x100)], steps: [map('t', 'sg', ['a'])] }, { swiotlbFull: true })
    expect(swio.result.transactions[0]?.calls.find((c) => c.fn === 'dma_map_sgtable')?.errno).toBe('-EIO')
  })

  it('K-R42 swiotlb exhaustion returns DMA_MAPPING_ERROR with the ratelimited warning', () => {
    const m = machine({ iommu: 'none', swiotlb: { force: true } }, { swiotlbFull: true })
    expect(m.api.dma_map_phys(P, 0x1000n, DMA_TO_DEVICE, 0)).toBe(DMA_MAPPING_ERROR)
    expect(m.reporter.dmesg.filter((l) => l.includes('swiotlb buffer is full'))).toEqual(['dev0 0000:00:03.0: swiotlb buffer is full (sz: 4096 bytes), total 32768 (slots), used 32768 (slots)'])
  })

  it("K-R43 a bounced mapping shows the device's data to the CPU only after sync_for_cpu (or unmap)", () => {
    const spec = (sync: boolean) => ({
      iommu: 'none' as const,
      swiotlb: { force: true },
      regions: [ram('buf', 0x1000)],
      steps: [
        map('t', 'page', ['buf'], 'from-device'),
        { op: 'device-write', tx: 't', region: 'buf' },
        ...(sync ? [{ op: 'sync-for-cpu', tx: 't' }] : []),
        { op: 'cpu-read', region: 'buf' },
        unmap('t'),
      ],
    })
    expect(run(spec(true)).result.data.errors).toHaveLength(0)
    const stale = run(spec(false)).result
    expect(stale.data.errors).toHaveLength(1)
    expect(stale.data.errors[0]?.mismatches).toBe(4083)
    // The CPU's read counts against the transaction whose missing sync it shows.
    expect(stale.data.errors[0]?.tx).toBe('t')
    expect(stale.transactions[0]?.data).toMatchObject({ checks: 1, errors: [{ op: 'cpu-read', tx: 't' }] })
    expect(stale.findings.find((f) => f.id === 'DATA')?.message).toMatch(/^cpu-read of buf \[0x0\+0x1000\] after t: /)
  })

  it('K-R43 a non-coherent device: a missing sync shows up as stale data in the CPU cache', () => {
    const spec = (sync: boolean) => ({
      iommu: 'none' as const,
      device: { coherent: false },
      regions: [ram('buf', 0x1000)],
      steps: [
        map('t', 'page', ['buf'], 'from-device'),
        { op: 'device-write', tx: 't', region: 'buf' },
        ...(sync ? [{ op: 'sync-for-cpu', tx: 't' }] : []),
        { op: 'cpu-read', region: 'buf' },
        unmap('t'),
        { op: 'cpu-read', region: 'buf' },
      ],
    })
    expect(run(spec(true)).result.data.errors).toHaveLength(0)
    const stale = run(spec(false)).result
    // Before the unmap the CPU reads its stale cache; the unmap invalidates, the second read is right.
    expect(stale.data.errors.map((e) => e.step)).toEqual([2])
  })

  it('K-R44 dma_skip_sync starts as "coherent" and flips on the first bounce', () => {
    expect(machine({ device: { coherent: false } }).dev.dmaSkipSync).toBe(false)
    const m = machine({ iommu: 'none', device: { dmaMask: 32 } })
    expect(m.dev.dmaSkipSync).toBe(true)
    expect(m.api.dma_need_unmap()).toBe(false)
    m.api.dma_map_phys(P, 0x100n, DMA_TO_DEVICE, 0)
    expect(m.dev.dmaSkipSync).toBe(false)
    expect(m.api.dma_need_unmap()).toBe(true)
  })
})
