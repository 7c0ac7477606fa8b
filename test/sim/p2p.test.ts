/**
 * PCI peer-to-peer (K-P1 to K-P10): the map type from the topology, bus
 * addresses, the host-bridge rule, and every user's failure mode.
 */
import { describe, expect, it } from 'vitest'
import { DMA_TO_DEVICE, IOMMU_CACHE, IOMMU_MMIO, IOMMU_READ } from '../../src/sim/consts.js'
import { dmaSegments } from '../../src/sim/dma/scatterlist.js'
import { newP2pState } from '../../src/sim/dma/p2pdma.js'
import { hex, machine, map, run, unmap } from './helpers.js'

const BAR = 0x380_0000_0000n
const gpu = (at?: string, extra = {}) => ({ name: 'gpu', ...(at ? { at } : {}), p2pMemory: { bytes: '0x100000', bar: '0x38000000000', ...extra } })
const vram = { name: 'v', memory: 'p2p', provider: 'gpu', bytes: '0x2000' }

describe('P2P DMA', () => {
  it("K-P1 only pages of a P2P provider's BAR are P2P pages", () => {
    const m = machine({ devices: [gpu()] })
    expect(m.api.pci_p2pdma_state(newP2pState(), 0x1_0000_0000n)).toBe('PCI_P2PDMA_MAP_NONE')
    // A P2P page: the answer is the client's (this one is not a PCI device, P2).
    expect(m.api.pci_p2pdma_state(newP2pState(), BAR)).toBe('PCI_P2PDMA_MAP_NOT_SUPPORTED')
  })

  it('K-P2 not a PCI client: NOT_SUPPORTED; the answer is cached per client', () => {
    const m = machine({ device: { pci: false }, devices: [gpu()] })
    expect(m.p2p.mapType('gpu')).toBe('PCI_P2PDMA_MAP_NOT_SUPPORTED')
    m.p2p.mapType('gpu')
    m.p2p.mapType('gpu')
    expect(m.p2p.calcCalls).toBe(1)
  })

  it('K-P3 a common switch without ACS redirect gives bus addresses; redirect or separate root ports go through the host bridge', () => {
    const sw = [{ name: 'sw' }]
    expect(machine({ switches: sw, device: { at: 'sw' }, devices: [gpu('sw')] }).p2p.mapType('gpu')).toBe('PCI_P2PDMA_MAP_BUS_ADDR')
    const acs = [{ name: 'sw', acsRedirect: true }]
    expect(machine({ switches: acs, device: { at: 'sw' }, devices: [gpu('sw')] }).p2p.mapType('gpu')).toBe('PCI_P2PDMA_MAP_NOT_SUPPORTED')
    expect(machine({ switches: acs, hostBridgeP2P: true, device: { at: 'sw' }, devices: [gpu('sw')] }).p2p.mapType('gpu')).toBe(
      'PCI_P2PDMA_MAP_THRU_HOST_BRIDGE',
    )
    expect(machine({ devices: [gpu()] }).p2p.mapType('gpu')).toBe('PCI_P2PDMA_MAP_NOT_SUPPORTED')
    // Nested switches: the common ancestor is the upstream one.
    const nested = [{ name: 'top' }, { name: 'a', upstream: 'top' }, { name: 'b', upstream: 'top' }]
    expect(machine({ switches: nested, device: { at: 'a' }, devices: [gpu('b')] }).p2p.mapType('gpu')).toBe('PCI_P2PDMA_MAP_BUS_ADDR')
  })

  it('K-P4 through the host bridge only where the host bridge is allowed', () => {
    expect(machine({ hostBridgeP2P: true, devices: [gpu()] }).p2p.mapType('gpu')).toBe('PCI_P2PDMA_MAP_THRU_HOST_BRIDGE')
  })

  it('K-P5 bus address = physical address + bus offset; the switch routes it to the peer without the IOMMU', () => {
    const { result, machine: m } = run({
      switches: [{ name: 'sw' }],
      device: { at: 'sw' },
      devices: [gpu('sw', { busOffset: '0x1000000000' })],
      regions: [vram],
      steps: [map('t', 'p2p-bus', ['v'], 'to-device'), { op: 'device-read', tx: 't', region: 'v' }, unmap('t')],
    })
    expect(result.transactions[0]?.segments[0]?.dma).toBe('0x39000000000')
    expect(result.ok).toBe(true)
    expect(m.domain?.pgtable.writes).toBe(0)
  })

  it('K-P6 host-bridge P2P is mapped like MMIO through the IOMMU (6.18+); dma_map_sg does not add MMIO', () => {
    const { machine: m, result } = run({
      hostBridgeP2P: true,
      devices: [gpu()],
      regions: [vram],
      steps: [map('t', 'page', ['v'], 'to-device'), { op: 'device-read', tx: 't', region: 'v' }],
    })
    const seg = result.transactions[0]?.segments[0]
    expect(m.domain?.pgtable.translate(m.domain.pfn(BigInt(seg?.dma ?? 0)))?.prot).toBe(IOMMU_READ | IOMMU_MMIO)
    expect(result.data.errors).toHaveLength(0)
    const sg = machine({ hostBridgeP2P: true, devices: [gpu()] })
    const sgt = sg.api.sg_alloc_table([{ region: 'v', phys: BAR, len: 0x1000n }])
    if (typeof sgt === 'number') throw new Error('alloc')
    sg.api.dma_map_sgtable(sgt, DMA_TO_DEVICE, 0)
    const dma = dmaSegments(sgt)[0]?.dma ?? 0n
    expect(sg.domain?.pgtable.translate(sg.domain.pfn(dma))?.prot).toBe(IOMMU_READ | IOMMU_CACHE)
  })

  it('K-P7 unreachable peers: sg -EREMOTEIO, blk BLK_STS_INVAL, HMM DMA_MAPPING_ERROR, p2p-bus refuses', () => {
    const base = { switches: [{ name: 'sw' }], device: { at: 'sw' }, devices: [gpu('sw')], regions: [vram] }
    const opt = { p2pUnsupported: true }
    const call = (strategy: string, fn: string) =>
      run({ ...base, steps: [map('t', strategy, ['v'])] }, opt).result.transactions[0]?.calls.find((c) => c.fn === fn)
    expect(call('sg', 'dma_map_sgtable')?.errno).toBe('-EREMOTEIO')
    expect(call('blk', 'blk_rq_dma_map_iter_start')?.errno).toBe('BLK_STS_INVAL')
    expect(call('hmm', 'hmm_dma_map_pfn')?.errno).toBe('DMA_MAPPING_ERROR')
    expect(call('p2p-bus', 'dma_map_sgtable')?.errno).toBe('-EREMOTEIO')
  })

  it('K-P8 a confidential guest has no P2P, and forced bouncing cannot map MMIO', () => {
    expect(machine({ coco: true, switches: [{ name: 'sw' }], device: { at: 'sw' }, devices: [gpu('sw')] }).p2p.mapType('gpu')).toBe(
      'PCI_P2PDMA_MAP_NOT_SUPPORTED',
    )
    const { result } = run({
      iommu: 'none',
      swiotlb: { force: true },
      hostBridgeP2P: true,
      devices: [gpu()],
      regions: [vram],
      steps: [map('t', 'page', ['v'], 'to-device')],
    })
    expect(result.transactions[0]?.status).toBe('failed')
  })

  it('K-P10 the per-list state follows the provider of each page', () => {
    const m = machine({
      switches: [{ name: 'sw' }],
      device: { at: 'sw' },
      hostBridgeP2P: true,
      devices: [gpu('sw'), { name: 'far', p2pMemory: { bytes: '0x100000', bar: '0x39000000000' } }],
    })
    const st = newP2pState()
    expect(m.api.pci_p2pdma_state(st, BAR)).toBe('PCI_P2PDMA_MAP_BUS_ADDR')
    expect(m.api.pci_p2pdma_state(st, 0x390_0000_0000n)).toBe('PCI_P2PDMA_MAP_THRU_HOST_BRIDGE')
    expect(st.provider).toBe('far')
    expect(m.api.pci_p2pdma_state(st, BAR)).toBe('PCI_P2PDMA_MAP_BUS_ADDR')
    expect(m.p2p.calcCalls).toBe(2)
  })

  it("auto's scatterlist holds only the peers: its dma_map_sgtable() records its own DMA entries, as the dma_map_sg event lists them", () => {
    const { result } = run({
      switches: [{ name: 'sw' }],
      device: { at: 'sw', dmaMask: 64 },
      devices: [gpu('sw')],
      regions: [{ name: 'a', memory: 'ram', bytes: '0x1000' }, vram],
      steps: [map('t', 'auto', ['a', 'v'], 'to-device'), unmap('t')],
    })
    const t = result.transactions[0]
    const call = t?.calls.find((c) => c.fn === 'dma_map_sgtable')
    expect(t?.segments.length).toBe(2)
    expect(call?.args.dma_segs).toBe(`${hex(BAR)}+0x2000`)
  })
})
