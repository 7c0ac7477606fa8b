/** sg: one scatterlist over the buffers (kernel/dma/mapping.c dma_map_sgtable()). */
import type { StrategyDescriptor } from '../descriptor.js'

export const sg = {
  name: 'sg',
  summary: 'sg: one scatterlist mapped in one call, merged by the IOMMU where it can',
  kernel: ['kernel/dma/mapping.c dma_map_sgtable()', 'dma_unmap_sgtable()', 'drivers/iommu/dma-iommu.c iommu_dma_map_sg()'],
  verdicts: { normal: 'ok', 'p2p-bus': 'ok', 'p2p-host-bridge': 'ok', 'p2p-unsupported': 'unreachable', encrypted: 'ok' },
  uniform: true,
  template: 'sg',
  allocates: false,
  perPage: false,
  harness: true,
  dispatches: false,
  busAddressBySg: false,
} as const satisfies StrategyDescriptor
