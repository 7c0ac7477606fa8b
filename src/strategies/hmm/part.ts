/**
 * hmm: hmm_dma_map_alloc() for the mirror, one hmm_dma_map_pfn() per page
 * (at map time when the transaction populates, else at each fault), one
 * hmm_dma_unmap_pfn() per page at invalidation and unmap, hmm_dma_map_free().
 * Template: templates/module/hmm.c.
 */
import type { PartDef } from '../../codegen/parts/part.js'
import { hmm as descriptor } from './index.js'

export const hmm: PartDef = {
  id: 'hmm',
  file: descriptor.template,
  field: 'hmm',
  ctype: 'struct dmaplan_hmm',
  summary: 'a mirror of pages, each mapped on its own',
  includes: ['linux/hmm.h'],
  features: () => ['hmm_dma'],
  segs: (bufs) => bufs.reduce((n, b) => n + b.pages, 0),
  map: {
    section: 'hmm.map',
    call: (c) => ({ fn: 'dmaplan_hmm_map', args: [c.dev, c.tx, c.state, `${c.slice.first}`, `${c.slice.count}`, c.txm.populate ? 'true' : 'false'] }),
    pseudo: (s) => {
      const pages = s.bufs.reduce((n, b) => n + b.pages, 0)
      const lines = [
        `ret = hmm_dma_map_alloc(dev, &map, ${pages}, PAGE_SIZE)    (${s.bufs.map((b) => `${b.name}: ${b.pages}`).join(', ')} pages)`,
        `if ret: fail with ret    (-EOPNOTSUPP: the device needs bouncing or cache maintenance)`,
        `map.pfn_list[i] = pfn of page i | HMM_PFN_VALID | HMM_PFN_WRITE    (a mirror of user memory gets them from hmm_range_fault)`,
        `p2p = {}`,
      ]
      if (!s.txm.populate) return [...lines, 'pages are mapped when they fault']
      return [
        ...lines,
        `for page i in 0..${pages - 1}:`,
        `    addr = hmm_dma_map_pfn(dev, &map, i, &p2p)    (IOVA slot i, or the bus address of a peer's page)`,
        `    if dma_mapping_error(dev, addr): hmm_dma_unmap_pfn() the pages mapped so far, last first; hmm_dma_map_free(); fail with -EFAULT`,
        `    the device gets segment i = (addr, PAGE_SIZE)`,
      ]
    },
  },
  unmap: {
    section: 'hmm.unmap',
    call: (c) => ({ fn: 'dmaplan_hmm_unmap', args: [c.dev, c.tx, c.state] }),
    pseudo: (s) => [
      `for page i in 0..${s.bufs.reduce((n, b) => n + b.pages, 0) - 1}:`,
      `    hmm_dma_unmap_pfn(dev, &map, i)    (skips pages that are not mapped)`,
      `hmm_dma_map_free(dev, &map)`,
    ],
  },
  noSync: 'hmm_dma_map_alloc() took the device only because it needs no bouncing and no cache maintenance',
  pages: {
    faultSection: 'hmm.fault',
    invalidateSection: 'hmm.invalidate',
    fault: (c, index) => ({ fn: 'dmaplan_hmm_fault', args: [c.dev, c.tx, c.state, index] }),
    invalidate: (c, index) => ({ fn: 'dmaplan_hmm_invalidate', args: [c.dev, c.tx, c.state, index] }),
    pseudo: (_s, op, index) =>
      op === 'fault'
        ? [`addr = hmm_dma_map_pfn(dev, &map, ${index}, &p2p)`, `if dma_mapping_error(dev, addr): fail with -EFAULT`, `the device gets segment ${index} = (addr, PAGE_SIZE)`]
        : [`hmm_dma_unmap_pfn(dev, &map, ${index})`, `segment ${index} is gone`],
  },
}
