/** iova: one IOVA range, its buffers linked in (drivers/iommu/dma-iommu.c dma_iova_try_alloc(), dma_iova_link()). */
import type { StrategyDescriptor } from '../descriptor.js'

export const iova = {
  name: 'iova',
  summary: 'iova: one IOVA range for all buffers, each buffer mapped on its own where there is none',
  kernel: ['drivers/iommu/dma-iommu.c dma_iova_try_alloc()', 'dma_iova_link()', 'dma_iova_sync()', 'dma_iova_destroy()'],
  verdicts: { normal: 'ok', 'p2p-bus': 'bus', 'p2p-host-bridge': 'mmio', 'p2p-unsupported': 'unreachable', encrypted: 'encrypted' },
  uniform: true,
  feature: 'dma-iova',
  template: 'iova',
  templateNeeds: ['page'],
  allocates: false,
  perPage: false,
  harness: true,
  dispatches: false,
  busAddressBySg: false,
} as const satisfies StrategyDescriptor
