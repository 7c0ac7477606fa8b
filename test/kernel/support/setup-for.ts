/**
 * The QEMU set-up (qemu.ts) that stands for a plan not written for one,
 * such as an example: the same IOMMU mode and flush policy, forced bounce,
 * an untrusted device, and for P2P memory the same route from its provider
 * to the device (drivers/pci/p2pdma.c's decision, src/plan/topology.ts):
 * below one switch, bus addresses; through a host bridge the kernel
 * trusts, an IOVA. Or why no set-up does.
 */
import type { Plan } from '../../../src/plan/ir.js'
import { p2pDecision } from '../../../src/plan/topology.js'
import type { ReferencePlatformName } from './qemu.js'
import { REFERENCE_PLATFORMS } from './qemu.js'

export type SetupChoice = { readonly setup: ReferencePlatformName } | { readonly why: string }

export function setupFor(plan: Plan): SetupChoice {
  const p = plan.platform
  const client = plan.devices.find((d) => d.name === plan.device)
  if (p.coco) return { why: 'a confidential guest: QEMU under software emulation has no SEV or TDX' }
  const providers = plan.devices.filter((d) => d.p2pMemory !== undefined)
  const mode = p.iommu.mode === 'translated' ? (p.iommu.flush === 'strict' ? 'strict' : 'lazy') : p.iommu.mode === 'passthrough' ? 'pt' : 'none'
  if (providers.length > 1 && client !== undefined) {
    // One peer below the device's switch and one through the host bridge: the set-up with both routes.
    const routes = providers.map((d) => p2pDecision(p, d, client).map).sort()
    if (providers.length === 2 && routes.join() === 'bus,host-bridge' && mode === 'strict') return { setup: 'p2p-both-epyc-strict' }
    return { why: `P2P memory of ${providers.length} providers by ${routes.join(' and ')} with the IOMMU ${mode}: no set-up has it` }
  }
  const provider = providers[0]
  if (provider !== undefined && client !== undefined) {
    const route = p2pDecision(p, provider, client).map
    const name = route === 'bus' ? `p2p-switch-${mode}` : route === 'host-bridge' ? `p2p-ports-epyc-${mode}` : undefined
    return known(name) ? { setup: name } : { why: `P2P ${route === 'unsupported' ? 'with no route' : `by ${route}`} with the IOMMU ${mode}: no set-up has it` }
  }
  if (client?.trusted === false) return mode === 'lazy' ? { setup: 'vtd-untrusted' } : { why: `an untrusted device with the IOMMU ${mode}: no set-up has it` }
  if (p.swiotlb.force) return mode === 'none' ? { setup: 'bounce' } : { why: 'forced bounce behind an IOMMU: no set-up has it' }
  const name = { strict: 'vtd-strict', lazy: 'vtd-lazy', pt: 'passthrough', none: 'none' }[mode]
  return { setup: name as ReferencePlatformName }
}

function known(name: string | undefined): name is ReferencePlatformName {
  return name !== undefined && name in REFERENCE_PLATFORMS
}
