/**
 * The kernel APIs newer than 6.12 that generated code may use. For each, the
 * compatibility header has a section that stands in for it on a kernel
 * without it (found by a Kbuild test of the kernel's headers, or by #ifndef
 * for a macro), and the upstream-signature header a section that declares it.
 */
export type Feature =
  | 'attr_mmio'
  | 'attr_require_coherent'
  | 'attr_ignore_cachelines'
  | 'dma_iova'
  | 'need_unmap'
  | 'map_phys'
  | 'p2pdma'
  | 'hmm_dma'
  | 'blk_dma_iter'

export interface FeatureInfo {
  /** A Kbuild test: the header under include/linux and a word it must contain. */
  readonly probe?: { readonly header: string; readonly word: string; readonly define: string }
  /** Features whose declarations this one's stand-ins use. */
  readonly needs: readonly Feature[]
  /** Section of upstream.h that declares it (several features share one). */
  readonly upstream?: string
}

/** In compatibility-header order: what a section uses comes before it. */
export const FEATURES: Readonly<Record<Feature, FeatureInfo>> = {
  attr_mmio: { needs: [], upstream: 'attrs' },
  attr_require_coherent: { needs: [], upstream: 'attrs' },
  attr_ignore_cachelines: { needs: [], upstream: 'attrs' },
  dma_iova: { probe: { header: 'dma-mapping.h', word: 'dma_iova_try_alloc', define: 'DMA_IOVA' }, needs: [], upstream: 'dma_iova' },
  need_unmap: { probe: { header: 'dma-mapping.h', word: 'dma_need_unmap', define: 'DMA_NEED_UNMAP' }, needs: [], upstream: 'dma_iova' },
  map_phys: { probe: { header: 'dma-mapping.h', word: 'dma_map_phys', define: 'DMA_MAP_PHYS' }, needs: ['attr_mmio'], upstream: 'map_phys' },
  p2pdma: { probe: { header: 'pci-p2pdma.h', word: 'pci_p2pdma_state', define: 'P2PDMA_STATE' }, needs: [], upstream: 'p2pdma' },
  hmm_dma: { probe: { header: 'hmm-dma.h', word: 'hmm_dma_map_alloc', define: 'HMM_DMA' }, needs: ['dma_iova', 'p2pdma'], upstream: 'hmm_dma' },
  blk_dma_iter: {
    probe: { header: 'blk-mq-dma.h', word: 'blk_rq_dma_map_iter_start', define: 'BLK_DMA_ITER' },
    needs: ['dma_iova', 'need_unmap', 'p2pdma'],
    upstream: 'blk_dma_iter',
  },
}

export const FEATURE_ORDER = Object.keys(FEATURES) as Feature[]

/** The features and what they need, in header order. */
export function withNeeds(features: Iterable<Feature>): Feature[] {
  const all = new Set<Feature>()
  const add = (f: Feature) => {
    if (all.has(f)) return
    all.add(f)
    for (const n of FEATURES[f].needs) add(n)
  }
  for (const f of features) add(f)
  return FEATURE_ORDER.filter((f) => all.has(f))
}
