/** page: every buffer mapped on its own (kernel/dma/mapping.c dma_map_page_attrs()). */
import type { StrategyDescriptor } from '../descriptor.js'

export const page = {
  name: 'page',
  summary: 'page: each buffer mapped on its own',
  kernel: ['kernel/dma/mapping.c dma_map_phys() (dma_map_page_attrs() before 6.18)', 'dma_unmap_phys()'],
  verdicts: { normal: 'ok', 'p2p-bus': 'bus', 'p2p-host-bridge': 'ok', 'p2p-unsupported': 'unreachable', encrypted: 'ok' },
  uniform: true,
  template: 'page',
  allocates: false,
  perPage: false,
  harness: true,
  dispatches: false,
  busAddressBySg: false,
} as const satisfies StrategyDescriptor
