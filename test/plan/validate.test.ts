/**
 * Rules R1-R9 at run time, on JSON plans (where the type checker never ran):
 * each rule's variants, named after the rule, with the exact sentence.
 */
import { describe, expect, it } from 'vitest'
import { decodePlan } from '../../src/plan/load.js'
import { validatePlan } from '../../src/plan/rules/validate.js'
import { jsonPlan, map, op } from '../support/plans.js'

function violations(json: Record<string, unknown>): string[] {
  const d = decodePlan(json)
  if (!d.ok) throw new Error(d.issues.map((i) => `${i.path}: ${i.message}`).join('\n'))
  return validatePlan(d.plan).map((v) => v.text)
}

const unmap = (tx: string) => op('unmap', { tx })
const gpuSetup = (platform: Record<string, unknown> = {}, gpuAt: string | undefined = 'sw0', devAt: string | undefined = 'sw0') => ({
  platform: { pci: { switches: [{ name: 'sw0' }, { name: 'sw1' }] }, ...platform },
  devices: [
    { name: 'dev0', dmaMask: 64, ...(devAt ? { at: devAt } : {}) },
    { name: 'gpu0', ...(gpuAt ? { at: gpuAt } : {}), p2pMemory: { bytes: '0x40000000' } },
  ],
  regions: [
    { name: 'buf', memory: 'ram', bytes: '0x4000' },
    { name: 'vram', memory: 'p2p', provider: 'gpu0', bytes: '0x4000' },
  ],
})

describe('run-time rules', () => {
  it('a valid plan has no violations', () => {
    expect(violations(jsonPlan({ steps: [map('t', 'iova', 'to-device', ['buf']), op('device-read', { tx: 't', region: 'buf' }), unmap('t')] }))).toEqual([])
  })

  it('R1 iova without a translating IOMMU, or before 6.16', () => {
    expect(violations(jsonPlan({ platform: { iommu: { mode: 'passthrough' } }, steps: [map('t', 'iova', 'to-device', ['buf']), unmap('t')] }))).toEqual([
      "R1: strategy iova needs a translating IOMMU, but this platform's IOMMU is in passthrough mode, so dma_iova_try_alloc() always fails. Use page, sg or auto.",
    ])
    expect(violations(jsonPlan({ platform: { kernel: '6.12' }, steps: [map('t', 'iova', 'to-device', ['buf']), unmap('t')] }))[0]).toMatch(
      /^R1: strategy iova needs kernel 6.16 or later \(dma_iova_try_alloc\), but this plan targets 6.12/,
    )
  })

  it('R2 uniform transactions hold one memory kind; coherent allocations are host memory', () => {
    const mixed = violations(jsonPlan({ ...gpuSetup(), steps: [map('t', 'sg', 'to-device', ['buf', 'vram']), unmap('t')] }))
    expect(mixed).toEqual(['R2: t is a uniform sg transaction but mixes host memory buf with bus-address P2P memory vram; split it into one transaction per memory kind.'])
    const coherent = violations(jsonPlan({ ...gpuSetup({ pci: { switches: [{ name: 'sw0' }, { name: 'sw1' }], hostBridgeP2P: true } }, 'sw1'), steps: [map('t', 'coherent', 'bidirectional', ['vram']), unmap('t')] }))
    expect(coherent[0]).toMatch(/^R2: strategy coherent allocates host memory/)
    // hmm and auto may mix kinds: that is the point of them.
    expect(violations(jsonPlan({ ...gpuSetup(), steps: [map('t', 'hmm', 'bidirectional', ['buf', 'vram']), unmap('t')] }))).toEqual([])
  })

  it('R3 bus-address P2P never in an IOVA range; p2p-bus takes only bus-address memory', () => {
    expect(violations(jsonPlan({ ...gpuSetup(), steps: [map('t', 'iova', 'to-device', ['vram']), unmap('t')] }))[0]).toMatch(/^R3: vram is P2P memory of gpu0 that dev0 reaches by PCI bus address/)
    expect(violations(jsonPlan({ ...gpuSetup(), steps: [map('t', 'page', 'to-device', ['vram']), unmap('t')] }))[0]).toMatch(/^R3: .*so page cannot map it/)
    expect(violations(jsonPlan({ ...gpuSetup(), steps: [map('t', 'p2p-bus', 'to-device', ['buf']), unmap('t')] }))[0]).toBe(
      'R3: strategy p2p-bus maps only P2P memory reached by PCI bus address, but buf is host memory for dev0. Use iova, page, sg or auto.',
    )
  })

  it('R4 unreachable P2P memory, with the reason', () => {
    const far = violations(jsonPlan({ ...gpuSetup({}, 'sw1'), steps: [map('t', 'sg', 'to-device', ['vram']), unmap('t')] }))
    expect(far).toEqual(['R4: vram is P2P memory of gpu0 that dev0 cannot reach: they share no PCI switch and the host bridge does not allow P2P. No strategy can map it.'])
    const acs = violations(jsonPlan({ ...gpuSetup({ pci: { switches: [{ name: 'sw0', acsRedirect: true }] } }), steps: [map('t', 'sg', 'to-device', ['vram']), unmap('t')] }))
    expect(acs[0]).toMatch(/cannot reach: ACS redirects their traffic to the root complex/)
    const coco = violations(jsonPlan({ ...gpuSetup({ coco: true }), steps: [map('t', 'p2p-bus', 'to-device', ['vram']), unmap('t')] }))
    expect(coco[0]).toMatch(/cannot reach: P2P DMA is not supported in a confidential guest/)
  })

  it('R5 encrypted memory only bounces; hmm refuses devices that need syncs', () => {
    const plan = { platform: { coco: true, iommu: { mode: 'none' } }, regions: [{ name: 'buf', memory: 'ram', encrypted: true, bytes: '0x1000' }] }
    expect(violations(jsonPlan({ ...plan, steps: [map('t', 'page', 'to-device', ['buf']), unmap('t')] }))).toEqual([])
    expect(violations(jsonPlan({ ...plan, platform: { coco: true }, steps: [map('t', 'iova', 'to-device', ['buf']), unmap('t')] }))[0]).toMatch(/^R5: buf is private memory of a confidential guest/)
    expect(violations(jsonPlan({ devices: [{ name: 'dev0', coherent: false }], steps: [map('t', 'hmm', 'bidirectional', ['buf']), unmap('t')] }))[0]).toBe(
      'R5: hmm refuses dev0: it is not DMA-coherent, and HMM refuses devices that need bouncing or cache maintenance. Use page or sg.',
    )
  })

  it('R6 only the first range may start off the granule and only the last may end off it', () => {
    const regions = [
      { name: 'a', memory: 'ram', offset: '0x200', bytes: '0xe00' },
      { name: 'b', memory: 'ram', bytes: '0x1000' },
      { name: 'c', memory: 'ram', bytes: '0x800' },
    ]
    expect(violations(jsonPlan({ regions, steps: [map('t', 'iova', 'to-device', ['a', 'b', 'c']), unmap('t')] }))).toEqual([])
    expect(violations(jsonPlan({ regions, steps: [map('t', 'iova', 'to-device', ['b', 'a']), unmap('t')] }))[0]).toMatch(/^R6: a starts off the 4096-byte IOMMU granule but is not the first range/)
    expect(violations(jsonPlan({ regions, steps: [map('t', 'iova', 'to-device', ['c', 'b']), unmap('t')] }))[0]).toMatch(/^R6: c ends off the 4096-byte IOMMU granule but is not the last range/)
    // A 64 KiB granule: a 4 KiB region is not a granule multiple. sg (no R6) coalesces as it likes.
    expect(violations(jsonPlan({ platform: { iommu: { mode: 'translated', granule: 65536 } }, regions, steps: [map('t', 'iova', 'to-device', ['b', 'b']), unmap('t')] }))[0]).toMatch(/^R6: b ends off the 65536-byte/)
    expect(violations(jsonPlan({ regions, steps: [map('t', 'sg', 'to-device', ['b', 'a']), unmap('t')] }))).toEqual([])
    // The physical address decides when the plan gives it.
    const placed = [{ name: 'p', memory: 'ram', phys: '0x10001000', offset: '0x0', bytes: '0x1000' }, ...regions]
    expect(violations(jsonPlan({ platform: { iommu: { mode: 'translated', granule: 16384 } }, regions: placed, steps: [map('t', 'iova', 'to-device', ['b', 'p']), unmap('t')] }))[0]).toMatch(/^R6: b ends off|^R6: p starts off/)
  })

  it('R7 directions and ownership', () => {
    expect(violations(jsonPlan({ steps: [map('t', 'page', 'to-device', ['buf']), op('device-write', { tx: 't', region: 'buf' }), unmap('t')] }))[0]).toBe(
      'R7: the device writes through t, which is mapped DMA_TO_DEVICE; device writes need DMA_FROM_DEVICE or DMA_BIDIRECTIONAL.',
    )
    expect(violations(jsonPlan({ steps: [map('t', 'page', 'from-device', ['buf']), op('device-read', { tx: 't', region: 'buf' }), unmap('t')] }))[0]).toMatch(/^R7: the device reads through t, which is mapped DMA_FROM_DEVICE/)
    const noncoherent = { devices: [{ name: 'dev0', dmaMask: 64, coherent: false }] }
    const rx = [map('t', 'page', 'from-device', ['buf']), op('device-write', { tx: 't', region: 'buf' })]
    expect(violations(jsonPlan({ ...noncoherent, steps: [...rx, op('cpu-read', { region: 'buf' }), unmap('t')] }))[0]).toBe(
      "R7: the CPU reads buf after the device wrote it through t, which is mapped for dev0, which is not DMA-coherent; call syncForCpu('t') first.",
    )
    expect(violations(jsonPlan({ ...noncoherent, steps: [...rx, op('sync-for-cpu', { tx: 't' }), op('cpu-read', { region: 'buf' }), unmap('t')] }))).toEqual([])
    // After the unmap the CPU owns the memory again.
    expect(violations(jsonPlan({ ...noncoherent, steps: [...rx, unmap('t'), op('cpu-read', { region: 'buf' })] }))).toEqual([])
    // A coherent device behind the IOMMU needs no sync; forced swiotlb makes it a bounce.
    expect(violations(jsonPlan({ steps: [...rx, op('cpu-read', { region: 'buf' }), unmap('t')] }))).toEqual([])
    const forced = violations(jsonPlan({ platform: { iommu: { mode: 'none' }, swiotlb: { force: true } }, steps: [...rx, op('cpu-read', { region: 'buf' }), unmap('t')] }))
    expect(forced[0]).toMatch(/which is bounced through swiotlb; call syncForCpu\('t'\) first/)
    const tx = [map('t', 'page', 'bidirectional', ['buf']), op('cpu-write', { region: 'buf' }), op('device-read', { tx: 't', region: 'buf' }), unmap('t')]
    expect(violations(jsonPlan({ ...noncoherent, steps: tx }))[0]).toMatch(/^R7: the device reads buf through t after the CPU wrote it/)
    expect(violations(jsonPlan({ steps: [map('t', 'hmm', 'to-device', ['buf']), unmap('t')] }))[0]).toMatch(/^R7: hmm maps every page DMA_BIDIRECTIONAL/)
  })

  it('R8 lifecycle', () => {
    expect(violations(jsonPlan({ steps: [op('unmap', { tx: 'x' })] }))[0]).toMatch(/^R8: transaction x is not mapped here/)
    expect(violations(jsonPlan({ steps: [map('t', 'page', 'to-device', ['buf']), unmap('t'), unmap('t')] }))[0]).toMatch(/^R8: transaction t is already unmapped/)
    expect(violations(jsonPlan({ steps: [map('t', 'page', 'to-device', ['buf']), unmap('t'), map('t', 'page', 'to-device', ['buf']), unmap('t')] }))[0]).toMatch(/^R8: transaction t already exists/)
    expect(violations(jsonPlan({ steps: [map('t', 'page', 'to-device', ['buf'])] }))).toEqual([
      "R8: the plan ends with transaction t still mapped; unmap it, or call .keep('t') to keep the mapping on purpose.",
    ])
    expect(violations(jsonPlan({ steps: [map('t', 'page', 'to-device', ['buf']), op('keep', { tx: 't' })] }))).toEqual([])
    const two = [{ name: 'buf', memory: 'ram', bytes: '0x1000' }, { name: 'other', memory: 'ram', bytes: '0x1000' }]
    expect(violations(jsonPlan({ regions: two, steps: [map('t', 'page', 'to-device', ['buf']), op('device-read', { tx: 't', region: 'other' }), unmap('t')] }))[0]).toMatch(/^R8: other is not mapped by transaction t/)
    expect(violations(jsonPlan({ steps: [map('t', 'page', 'bidirectional', ['buf']), op('hmm-fault', { tx: 't', index: 0 }), unmap('t')] }))[0]).toMatch(/^R8: HMM faults and invalidations need an hmm transaction, but t is mapped with page/)
  })

  it('R8 unlinking part of an iova transaction: only iova, once, and nothing of the region afterwards', () => {
    const two = [{ name: 'buf', memory: 'ram', bytes: '0x1000' }, { name: 'other', memory: 'ram', bytes: '0x1000' }]
    const plan = (steps: ReturnType<typeof op>[]) => violations(jsonPlan({ regions: two, steps: [map('t', 'iova', 'bidirectional', ['buf', 'other']), ...steps, unmap('t')] }))
    expect(plan([op('unlink', { tx: 't', region: 'buf' }), op('device-read', { tx: 't', region: 'other' }), op('cpu-read', { region: 'buf' })])).toEqual([])
    expect(plan([op('unlink', { tx: 't', region: 'buf' }), op('device-write', { tx: 't', region: 'buf' })])).toEqual([
      'R8: buf was unlinked from t, so the device no longer reaches it through that transaction; unlink a region after its last use, or map it again in a transaction of its own.',
    ])
    expect(plan([op('unlink', { tx: 't', region: 'buf' }), op('unlink', { tx: 't', region: 'buf' })])[0]).toMatch(/^R8: buf was unlinked from t, so it cannot be unlinked again/)
    expect(plan([op('unlink', { tx: 't', region: 'buf' }), op('sync-for-cpu', { tx: 't', region: 'buf' })])[0]).toMatch(/^R8: buf was unlinked from t, so there is nothing of it left to sync/)
    expect(violations(jsonPlan({ steps: [map('t', 'page', 'to-device', ['buf']), op('unlink', { tx: 't', region: 'buf' }), unmap('t')] }))).toEqual([
      'R8: only an iova transaction unlinks part of its range (dma_iova_unlink), but t is mapped with page.',
    ])
  })

  it('R9 the kernel version gates features', () => {
    expect(violations(jsonPlan({ platform: { kernel: '6.12' }, steps: [map('t', 'hmm', 'bidirectional', ['buf']), unmap('t')] }))[0]).toBe('R9: strategy hmm needs kernel 6.16 or later, but this plan targets 6.12.')
    expect(violations(jsonPlan({ platform: { kernel: '6.16' }, steps: [map('t', 'blk', 'to-device', ['buf']), unmap('t')] }))[0]).toBe('R9: strategy blk needs kernel 6.17 or later, but this plan targets 6.16.')
    expect(violations(jsonPlan({ platform: { kernel: '6.17' }, steps: [map('t', 'page', 'to-device', ['buf'], { attrs: ['DMA_ATTR_MMIO'] }), unmap('t')] }))[0]).toBe('R9: DMA_ATTR_MMIO needs kernel 6.18 or later, but this plan targets 6.17.')
    expect(violations(jsonPlan({ platform: { kernel: '6.18' }, steps: [map('t', 'page', 'to-device', ['buf'], { attrs: ['DMA_ATTR_REQUIRE_COHERENT'] }), unmap('t')] }))[0]).toBe('R9: DMA_ATTR_REQUIRE_COHERENT needs kernel 7.0 or later, but this plan targets 6.18.')
    const bridge = gpuSetup({ kernel: '6.17', pci: { switches: [{ name: 'sw0' }, { name: 'sw1' }], hostBridgeP2P: true } }, 'sw1')
    expect(violations(jsonPlan({ ...bridge, steps: [map('t', 'iova', 'to-device', ['vram']), unmap('t')] }))[0]).toMatch(/^R9: vram is host-bridge P2P memory, which iova links with DMA_ATTR_MMIO; that needs kernel 6.18/)
    expect(violations(jsonPlan({ ...bridge, steps: [map('t', 'page', 'to-device', ['vram']), unmap('t')] }))).toEqual([])
  })
})
