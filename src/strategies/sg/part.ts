/**
 * sg: an sg_table whose entries are the buffers cut at the device's maximum
 * segment size (src/plan/sg-entries.ts, as the simulator's scatterlist has
 * them), mapped by
 * dma_map_sgtable() (which may merge entries behind an IOMMU) and unmapped
 * with the table's original entry count. Template: templates/module/sg.c.
 */
import type { DeviceIR } from '../../plan/ir.js'
import type { BufModel } from '../../codegen/model.js'
import type { PartDef } from '../../codegen/parts/part.js'
import { attrsExpr } from '../../codegen/parts/part.js'
import { names } from '../page/part.js'
import { sgEntryCount } from '../../plan/sg-entries.js'
import { sg as descriptor } from './index.js'

export const sg: PartDef = {
  id: 'sg',
  file: descriptor.template,
  field: 'sg',
  ctype: 'struct dmaplan_sg',
  summary: 'one scatterlist, mapped in one call',
  includes: ['linux/scatterlist.h'],
  features: () => [],
  // Without an IOMMU every entry is a segment.
  segs: (bufs, device) => bufs.reduce((n, b) => n + entries(b, device), 0),
  map: {
    section: 'sg.map',
    call: (c) => ({ fn: 'dmaplan_sg_map', args: [c.dev, c.tx, c.state, `${c.slice.first}`, `${c.slice.count}`, attrsExpr(c.slice.attrs)] }),
    pseudo: (s) => [
      `sg_alloc_table(&sgt, ${s.slice.segs}, GFP_KERNEL)    on error: fail`,
      `entries: ${names(s)}, each cut at the maximum segment size: whole pages (the first ending on a page boundary), or below a page pieces within a page`,
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

/** Entries of a buffer, cut as the driver cuts them (src/plan/sg-entries.ts). */
function entries(b: BufModel, device: DeviceIR): number {
  return sgEntryCount(b.offset, b.bytes, device.maxSegmentSize)
}
