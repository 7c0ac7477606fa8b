/**
 * sg: an sg_table with one entry per buffer, mapped by dma_map_sgtable()
 * (which may merge entries behind an IOMMU) and unmapped with the table's
 * original entry count. Template: templates/module/sg.c.
 */
import type { PartDef } from './part.js'
import { attrsExpr } from './part.js'
import { names } from './page.js'

export const sg: PartDef = {
  id: 'sg',
  file: 'sg',
  field: 'sg',
  ctype: 'struct dmaplan_sg',
  summary: 'one scatterlist, mapped in one call',
  includes: ['linux/scatterlist.h'],
  features: () => [],
  segs: (bufs) => bufs.length,
  map: {
    section: 'sg.map',
    call: (c) => ({ fn: 'dmaplan_sg_map', args: [c.dev, c.tx, c.state, `${c.slice.first}`, `${c.slice.count}`, attrsExpr(c.slice.attrs)] }),
    pseudo: (s) => [
      `sg_alloc_table(&sgt, ${s.bufs.length}, GFP_KERNEL)    on error: fail`,
      `one entry per buffer: ${names(s)}`,
      `ret = dma_map_sgtable(dev, &sgt, ${s.dir}, ${s.attrs})`,
      `if ret: sg_free_table(&sgt); fail with ret`,
      `the device gets the DMA view: sg_dma_address/sg_dma_len of the mapped entries (merged where the IOMMU could)`,
    ],
  },
  unmap: {
    section: 'sg.unmap',
    call: (c) => ({ fn: 'dmaplan_sg_unmap', args: [c.dev, c.tx, c.state] }),
    pseudo: (s) => [`dma_unmap_sgtable(dev, &sgt, ${s.dir}, ${s.attrs})    (original entry count)`, 'sg_free_table(&sgt)'],
  },
  sync: {
    // dma-debug insists on the entry count the list was mapped with: sync it whole.
    ranged: false,
    sections: () => ['sg.sync'],
    call: (c, to) => ({ fn: 'dmaplan_sg_sync', args: [c.dev, c.tx, c.state, to === 'cpu' ? 'true' : 'false'] }),
    pseudo: (s, to) => [`dma_sync_sgtable_for_${to}(dev, &sgt, ${s.dir})    (the whole list)`],
  },
}
