/** hmm: a mirror mapped page by page on fault (mm/hmm.c hmm_dma_map_alloc(), hmm_dma_map_pfn()). */
import type { StrategyDescriptor } from '../descriptor.js'

export const hmm = {
  name: 'hmm',
  summary: 'hmm: a mirror of pages, each linked on its own, host and peer pages mixed',
  kernel: ['mm/hmm.c hmm_dma_map_alloc()', 'hmm_dma_map_pfn()', 'hmm_dma_unmap_pfn()', 'hmm_dma_map_free()'],
  verdicts: { normal: 'ok', 'p2p-bus': 'ok', 'p2p-host-bridge': 'ok', 'p2p-unsupported': 'unreachable', encrypted: 'encrypted' },
  uniform: false,
  feature: 'hmm-dma',
  template: 'hmm',
  allocates: false,
  perPage: true,
  harness: true,
  dispatches: false,
  busAddressBySg: false,
} as const satisfies StrategyDescriptor
