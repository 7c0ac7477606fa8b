/**
 * Plans the random-plan property shrank from its failures, kept as tests
 * (random-plans.test.ts). `gap` names the KNOWN_GAPS entry a plan still
 * shows; when a gap is closed, its plans lose their `gap` and must pass,
 * with the verdict `verdict` says.
 */
import type { RandomPlan, Verdict } from './random-plans.js'

export const REGRESSIONS: readonly { readonly name: string; readonly plan: RandomPlan; readonly gap?: string; readonly verdict?: Verdict }[] = [
  {
    // Found by the property: the rules accepted it and every page after the first failed to link.
    name: 'hmm behind a 64 KiB granule is refused by R6 (dma_iova_link() refuses each page after the first whose frame is off the granule)',
    plan: { kernel: '7.2', iommu: 'translated', granule: 65536, coco: false, strategy: 'hmm', kind: 'normal', seed: 625445631, failAt: 4 },
    verdict: 'refused',
  },
  {
    // Found by the property: the rules accepted it and dma_iova_link() refused the bounce with -EPERM.
    name: "an untrusted device's host-bridge P2P range off a 64 KiB granule in an IOVA transaction is refused by R6 (dma_iova_link() never bounces MMIO)",
    plan: { kernel: '6.18', iommu: 'translated', granule: 65536, coco: false, strategy: 'iova', kind: 'p2p-host-bridge', seed: 661638179, failAt: 0 },
    verdict: 'refused',
  },
  {
    // Found by the property: with the refusal fixed, the model bounced the MMIO and the unmap (which never looks for a slot of MMIO) left the slot behind.
    verdict: 'simulated',
    name: "an untrusted device's MMIO off the granule is mapped unbounced once iommu_dma_map_phys() stops refusing it: no bounce slot is left",
    plan: { kernel: '6.18', iommu: 'translated', granule: 65536, coco: false, strategy: 'auto', kind: 'p2p-host-bridge', seed: 461960847, failAt: 0 },
  },
]
