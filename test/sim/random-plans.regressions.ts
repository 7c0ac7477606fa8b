/**
 * Plans the random-plan property shrank from its failures, kept as tests
 * (random-plans.test.ts). `gap` names the KNOWN_GAPS entry a plan still
 * shows; when a gap is closed, its plans lose their `gap` and must pass.
 */
import type { RandomPlan } from './random-plans.js'

export const REGRESSIONS: readonly { readonly name: string; readonly plan: RandomPlan; readonly gap?: string }[] = [
  {
    name: 'hmm behind a 64 KiB granule on 7.2',
    plan: { kernel: '7.2', iommu: 'translated', granule: 65536, coco: false, strategy: 'hmm', kind: 'normal', seed: 625445631, failAt: 4 },
    gap: 'hmm-large-granule',
  },
  {
    name: 'iova of host-bridge P2P memory behind a 64 KiB granule on 6.18',
    plan: { kernel: '6.18', iommu: 'translated', granule: 65536, coco: false, strategy: 'iova', kind: 'p2p-host-bridge', seed: 661638179, failAt: 0 },
    gap: 'iova-mmio-64k',
  },
  {
    // Found by the property: with the refusal fixed, the model bounced the MMIO and the unmap (which never looks for a slot of MMIO) left the slot behind.
    name: "an untrusted device's MMIO off the granule is mapped unbounced once iommu_dma_map_phys() stops refusing it: no bounce slot is left",
    plan: { kernel: '6.18', iommu: 'translated', granule: 65536, coco: false, strategy: 'auto', kind: 'p2p-host-bridge', seed: 461960847, failAt: 0 },
  },
]
