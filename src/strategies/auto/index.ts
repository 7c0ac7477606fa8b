/**
 * auto: the C decides per buffer: host memory through one IOVA range where
 * there is an IOMMU (dma_iova_try_alloc()), switch-local peer memory by bus
 * address, everything else mapped buffer by buffer.
 */
import type { StrategyDescriptor } from '../descriptor.js'

export const auto = {
  name: 'auto',
  summary:
    'auto: host memory through one IOVA range where there is an IOMMU, switch-local peer memory by bus address, everything else mapped buffer by buffer',
  kernel: ['include/linux/dma-mapping.h dma_use_iova()', 'drivers/iommu/dma-iommu.c dma_iova_try_alloc()', 'drivers/pci/p2pdma.c pci_p2pdma_state()', 'kernel/dma/mapping.c dma_map_phys()'],
  verdicts: { normal: 'ok', 'p2p-bus': 'ok', 'p2p-host-bridge': 'ok', 'p2p-unsupported': 'unreachable', encrypted: 'ok' },
  uniform: false,
  template: 'auto',
  templateNeeds: ['sg'],
  allocates: false,
  perPage: false,
  harness: true,
  dispatches: true,
  busAddressBySg: true,
} as const satisfies StrategyDescriptor
