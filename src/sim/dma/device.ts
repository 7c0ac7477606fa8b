/**
 * struct device as the DMA layer sees it: masks, coherency, the segment
 * limits from dma_parms, the untrusted flag, dma_skip_sync (K-R44) and the
 * IOMMU's pci_32bit_workaround (K-R19).
 */
import type { DeviceIR, Plan } from '../../plan/ir.js'
import { DMA_BIT_MASK } from '../addr.js'

export interface Device {
  readonly name: string
  /** dev_name(): the PCI address the kernel prints. */
  readonly bdf: string
  readonly ir: DeviceIR
  /** *dev->dma_mask; undefined models a device whose driver never set one (K-R3). */
  dmaMask: bigint | undefined
  coherentDmaMask: bigint
  /** dev->bus_dma_limit (0: none). */
  busDmaLimit: bigint
  readonly coherent: boolean
  /** pci_dev->untrusted: external-facing; bounces sub-granule buffers, forced strict. */
  readonly untrusted: boolean
  readonly pci: boolean
  dmaSkipSync: boolean
  pci32bitWorkaround: boolean
  /** dev->dma_iommu: streaming DMA goes through IOMMU-DMA. */
  readonly dmaIommu: boolean
  /* dma_parms: what dma_set_max_seg_size() and friends stored (dma-parms.ts). */
  maxSegSize: number
  segBoundary: bigint
  minAlignMask: number
}

/** A stable PCI address per device: bus 0 for root ports, one bus per switch below. */
export function pciAddress(plan: Plan, name: string): string {
  const switches = plan.platform.pci.switches.map((s) => s.name)
  const d = plan.devices.find((x) => x.name === name)
  const bus = d?.at === undefined ? 0 : switches.indexOf(d.at) + 1
  const peers = plan.devices.filter((x) => (x.at ?? '') === (d?.at ?? ''))
  const slot = peers.findIndex((x) => x.name === name) + (bus === 0 ? 3 : 0)
  const h2 = (n: number) => n.toString(16).padStart(2, '0')
  return `0000:${h2(bus)}:${h2(slot)}.0`
}

export function makeDevice(plan: Plan, ir: DeviceIR, dmaIommu: boolean): Device {
  const mask = DMA_BIT_MASK(ir.dmaMask)
  return {
    name: ir.name,
    bdf: pciAddress(plan, ir.name),
    ir,
    dmaMask: mask,
    coherentDmaMask: mask,
    busDmaLimit: 0n,
    coherent: ir.coherent,
    untrusted: ir.pci && !ir.trusted,
    pci: ir.pci,
    // dma_setup_need_sync(): skip syncs while coherent, until the first bounce.
    dmaSkipSync: ir.coherent,
    // iommu_setup_dma_ops(): !iommu_dma_forcedac for PCI devices.
    pci32bitWorkaround: ir.pci,
    dmaIommu,
    maxSegSize: ir.maxSegmentSize,
    segBoundary: ir.segmentBoundary,
    minAlignMask: ir.minAlignMask,
  }
}
