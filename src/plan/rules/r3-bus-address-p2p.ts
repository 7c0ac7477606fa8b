/**
 * R3: bus-address P2P never goes through the IOMMU. This file holds the rule's explanation (`dmaplan explain
 * R3`, docs/rules.md),
 * its sentence (a type and a function of the same name) and its run-time
 * check (asked by validate.ts). At the type level the rule is its cells of the
 * kind table (verdicts.ts, from the strategy descriptors), which both levels
 * read: both speak the sentence byte for byte.
 */
import type { Finding } from './finding.js'
import type { MappedRegion } from './walk.js'
import type { KindWords, MemoryKind } from './words.js'
import { KIND_WORDS } from './words.js'

export const R3 = {
  id: 'R3',
  title: 'bus-address P2P never goes through the IOMMU',
  rule: 'Bus-address P2P memory is never linked into an IOVA range nor bounced; it is allowed in p2p-bus, hmm (per page) and auto (which dispatches), and in sg and blk, whose kernel helpers map it by bus address. p2p-bus maps nothing else. For an untrusted device behind the IOMMU, dma_map_sg() bounces and maps by CPU address, so p2p-bus and auto cannot map it there.',
  why: 'Under a common switch without ACS redirect the peer\'s BAR is reached by PCI bus address (paddr + bus_offset); the request never reaches the IOMMU, so an IOVA would point nowhere, and MMIO cannot be bounced.',
  kernel: ['drivers/pci/p2pdma.c: calc_map_type_and_dist()', 'include/linux/pci-p2pdma.h: pci_p2pdma_bus_addr_map()', 'drivers/iommu/dma-iommu.c: dev_use_sg_swiotlb()'],
  instead: 'Map it with p2p-bus, hmm, sg, blk or auto.',
} as const

export type writeBusAddressMessage<R extends string, P extends string, D extends string, S extends string> =
  `R3: ${R} is P2P memory of ${P} that ${D} reaches by PCI bus address; it is never linked into an IOVA range nor bounced, so ${S} cannot map it. Use p2p-bus, hmm, sg, blk or auto.`
export const writeBusAddressMessage = <R extends string, P extends string, D extends string, S extends string>(
  region: R,
  provider: P,
  device: D,
  strategy: S,
): writeBusAddressMessage<R, P, D, S> =>
  `R3: ${region} is P2P memory of ${provider} that ${device} reaches by PCI bus address; it is never linked into an IOVA range nor bounced, so ${strategy} cannot map it. Use p2p-bus, hmm, sg, blk or auto.`

export type writeUntrustedBusAddressMessage<R extends string, P extends string, D extends string, S extends string> =
  `R3: ${R} is P2P memory of ${P} that ${D} reaches by PCI bus address, but ${D} is untrusted behind the IOMMU: dma_map_sg() bounces its scatterlists through swiotlb and maps peer pages by CPU address, so ${S} gets no bus address (-EREMOTEIO). Use hmm or blk.`
export const writeUntrustedBusAddressMessage = <R extends string, P extends string, D extends string, S extends string>(
  region: R,
  provider: P,
  device: D,
  strategy: S,
): writeUntrustedBusAddressMessage<R, P, D, S> =>
  `R3: ${region} is P2P memory of ${provider} that ${device} reaches by PCI bus address, but ${device} is untrusted behind the IOMMU: dma_map_sg() bounces its scatterlists through swiotlb and maps peer pages by CPU address, so ${strategy} gets no bus address (-EREMOTEIO). Use hmm or blk.`

export type writeBusOnlyMessage<R extends string, K extends MemoryKind, D extends string> =
  `R3: strategy p2p-bus maps only P2P memory reached by PCI bus address, but ${R} is ${KindWords[K]} for ${D}. Use iova, page, sg or auto.`
export const writeBusOnlyMessage = <R extends string, K extends MemoryKind, D extends string>(
  region: R,
  kind: K,
  device: D,
): writeBusOnlyMessage<R, K, D> =>
  `R3: strategy p2p-bus maps only P2P memory reached by PCI bus address, but ${region} is ${KIND_WORDS[kind]} for ${device}. Use iova, page, sg or auto.`

/**
 * The run-time check of a mapped region: bus-address memory under a strategy
 * that would link it into an IOVA range or bounce it, or anything else under
 * p2p-bus (drivers/pci/p2pdma.c calc_map_type_and_dist()).
 */
export function checkBusAddress(at: MappedRegion): Finding<'R3'> | undefined {
  if (at.verdict === 'bus') return { rule: R3.id, text: writeBusAddressMessage(at.region.name, at.region.provider ?? '', at.client.name, at.step.strategy) }
  if (at.verdict === 'bus-only') return { rule: R3.id, text: writeBusOnlyMessage(at.region.name, at.kind, at.client.name) }
  if (at.verdict === 'untrusted-sg') return { rule: R3.id, text: writeUntrustedBusAddressMessage(at.region.name, at.region.provider ?? '', at.client.name, at.step.strategy) }
  return undefined
}
