/**
 * R4: unreachable P2P memory cannot be mapped. This file holds the rule's explanation (`dmaplan explain
 * R4`, docs/rules.md),
 * its sentence (a type and a function of the same name) and its run-time
 * check (asked by validate.ts). At the type level the rule is its cells of the
 * kind table (verdicts.ts, from the strategy descriptors) with the P2P route
 * (src/plan/topology.ts), which both levels read: both speak the sentence byte
 * for byte.
 */
import { resolveKind } from '../topology.js'
import type { Finding } from './finding.js'
import type { MappedRegion } from './walk.js'
import type { P2pUnreachable, UnreachableWords } from './words.js'
import { UNREACHABLE_WORDS } from './words.js'

export const R4 = {
  id: 'R4',
  title: 'unreachable P2P memory cannot be mapped',
  rule: 'P2P memory the device cannot reach (no common switch and a host bridge that does not allow P2P, or ACS redirect, or a confidential guest) cannot be mapped by any strategy.',
  why: 'pci_p2pdma_map_type() answers PCI_P2PDMA_MAP_NOT_SUPPORTED: dma_map_sg() fails with -EREMOTEIO, the block layer with BLK_STS_INVAL, HMM with DMA_MAPPING_ERROR.',
  kernel: ['drivers/pci/p2pdma.c: pci_p2pdma_map_type(), host_bridge_whitelist'],
  instead: 'Place provider and client under one PCIe switch without ACS redirect, or use a host bridge on the allow-list.',
} as const

export type writeP2pUnsupportedMessage<R extends string, P extends string, D extends string, W extends P2pUnreachable> =
  `R4: ${R} is P2P memory of ${P} that ${D} cannot reach: ${UnreachableWords[W]}. No strategy can map it.`
export const writeP2pUnsupportedMessage = <R extends string, P extends string, D extends string, W extends P2pUnreachable>(
  region: R,
  provider: P,
  device: D,
  why: W,
): writeP2pUnsupportedMessage<R, P, D, W> =>
  `R4: ${region} is P2P memory of ${provider} that ${device} cannot reach: ${UNREACHABLE_WORDS[why]}. No strategy can map it.`

/** The run-time check of a mapped region: pci_p2pdma_map_type() finds no path from the client to the provider (drivers/pci/p2pdma.c). */
export function checkUnreachable(at: MappedRegion): Finding<'R4'> | undefined {
  if (at.verdict !== 'unreachable') return undefined
  const why = resolveKind(at.plan, at.region, at.client).p2p?.why ?? 'no-common-switch'
  return { rule: R4.id, text: writeP2pUnsupportedMessage(at.region.name, at.region.provider ?? '', at.client.name, why) }
}
