/** coherent: the transaction allocates its memory (kernel/dma/mapping.c dma_alloc_attrs()). */
import type { StrategyDescriptor } from '../descriptor.js'

export const coherent = {
  name: 'coherent',
  summary: 'coherent: allocated with dma_alloc_coherent(), mapped for its whole life',
  kernel: ['kernel/dma/mapping.c dma_alloc_attrs()', 'dma_free_attrs()'],
  verdicts: { normal: 'ok', 'p2p-bus': 'bus', 'p2p-host-bridge': 'coherent-host', 'p2p-unsupported': 'unreachable', encrypted: 'ok' },
  uniform: false,
  template: 'coherent',
  allocates: true,
  perPage: false,
  harness: true,
  dispatches: false,
  busAddressBySg: false,
} as const satisfies StrategyDescriptor
