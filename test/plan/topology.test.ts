/** P2P map types from the topology (docs/kernel-behaviour.md K-P2, K-P3, K-P4, K-P8), and granule alignment. */
import { describe, expect, it } from 'vitest'
import type { DeviceIR, PlatformIR } from '../../src/plan/ir.js'
import { granuleAlignment, p2pDecision } from '../../src/plan/topology.js'

const platform = (switches: PlatformIR['pci']['switches'], extra: Partial<PlatformIR> = {}): PlatformIR => ({
  kernel: '7.0',
  iommu: { mode: 'translated', granule: 4096, flush: 'strict', addressWidth: 48 },
  coco: false,
  pci: { switches, hostBridgeP2P: false },
  swiotlb: { bytes: 64n << 20n, force: false },
  ramBytes: 8n << 30n,
  ...extra,
})
const dev = (name: string, at?: string, pci = true): DeviceIR => ({
  name,
  ...(at ? { at } : {}),
  pci,
  dmaMask: 64,
  coherent: true,
  trusted: true,
  maxSegmentSize: 65536,
  segmentBoundary: 0xffffffffn,
  minAlignMask: 0,
})

describe('P2P map type', () => {
  it('K-P3 a common switch without ACS redirect gives a bus address', () => {
    expect(p2pDecision(platform([{ name: 'sw0', acsRedirect: false }]), dev('gpu', 'sw0'), dev('nic', 'sw0')).map).toBe('bus')
  })
  it('K-P3 nested switches: the common ancestor decides, ACS on either path up to it redirects', () => {
    const tree = [
      { name: 'top', acsRedirect: false },
      { name: 'left', acsRedirect: false, upstream: 'top' },
      { name: 'right', acsRedirect: true, upstream: 'top' },
    ]
    expect(p2pDecision(platform(tree), dev('gpu', 'left'), dev('nic', 'top')).map).toBe('bus')
    expect(p2pDecision(platform(tree), dev('gpu', 'left'), dev('nic', 'right'))).toEqual({ map: 'unsupported', why: 'acs-redirect', acsRedirect: true })
  })
  it('K-P3 different root ports go through the host bridge', () => {
    expect(p2pDecision(platform([]), dev('gpu'), dev('nic'))).toEqual({ map: 'unsupported', why: 'no-common-switch', acsRedirect: false })
    expect(p2pDecision({ ...platform([]), pci: { switches: [], hostBridgeP2P: true } }, dev('gpu'), dev('nic')).map).toBe('host-bridge')
  })
  it('K-P3 ACS redirect through an allowed host bridge is host-bridge P2P', () => {
    const p = { ...platform([{ name: 'sw0', acsRedirect: true }]), pci: { switches: [{ name: 'sw0', acsRedirect: true }], hostBridgeP2P: true } }
    expect(p2pDecision(p, dev('gpu', 'sw0'), dev('nic', 'sw0'))).toEqual({ map: 'host-bridge', acsRedirect: true })
  })
  it('K-P2 a device reaches its own BAR by bus address; a non-PCI client cannot do P2P', () => {
    expect(p2pDecision(platform([]), dev('gpu'), dev('gpu')).map).toBe('bus')
    expect(p2pDecision(platform([{ name: 'sw0', acsRedirect: false }]), dev('gpu', 'sw0'), dev('plat', 'sw0', false)).why).toBe('not-pci')
  })
  it('K-P8 no P2P in a confidential guest', () => {
    expect(p2pDecision(platform([{ name: 'sw0', acsRedirect: false }], { coco: true }), dev('gpu', 'sw0'), dev('nic', 'sw0')).why).toBe('coco')
  })
})

describe('granule alignment of a region', () => {
  const r = (offset: bigint, bytes: bigint, phys?: bigint) => ({ name: 'r', memory: 'ram' as const, encrypted: false, offset, bytes, ...(phys !== undefined ? { phys } : {}) })
  it('uses the in-page offset when the model places the region', () => {
    expect(granuleAlignment(r(0x200n, 0xe00n), 4096)).toEqual({ head: false, tail: true })
    expect(granuleAlignment(r(0n, 0x3000n), 16384)).toEqual({ head: true, tail: false })
  })
  it('uses the physical address when the plan gives it', () => {
    expect(granuleAlignment(r(0n, 0x1000n, 0x12345000n), 16384)).toEqual({ head: false, tail: false })
    expect(granuleAlignment(r(0n, 0x3000n, 0x12345000n), 16384)).toEqual({ head: false, tail: true })
  })
})
