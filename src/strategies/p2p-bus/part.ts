/**
 * bus: switch-local P2P memory by PCI bus address. A module cannot ask for
 * a page's P2P type itself (pci_p2pdma_state() calls the unexported
 * __pci_p2pdma_update_state()), so the buffers are an sg_table mapped with
 * dma_map_sgtable(), whose helpers decide it, and every DMA entry must be a
 * bus address (sg_dma_is_bus_address()); the unmap is the table's.
 * Template: templates/module/p2p-bus.c, over the sg part's map and unmap.
 */
import type { PartDef } from '../../codegen/parts/part.js'
import { names } from '../page/part.js'
import { sg } from '../sg/part.js'
import { p2pBus as descriptor } from './index.js'

export const bus: PartDef = {
  id: 'p2p-bus',
  file: descriptor.template,
  field: 'bus',
  ctype: 'struct dmaplan_sg',
  summary: 'P2P memory reached by PCI bus address',
  includes: ['linux/scatterlist.h'],
  features: () => [],
  // Bus-address entries are never merged.
  segs: sg.segs,
  map: {
    section: 'p2p-bus.map',
    call: (c) => ({ fn: 'dmaplan_bus_map', args: [c.dev, c.tx, c.state, `${c.slice.first}`, `${c.slice.count}`] }),
    pseudo: (s) => [
      `sg_alloc_table(&sgt, ${s.slice.segs}, GFP_KERNEL)    on error: fail`,
      `entries: ${names(s)}, each cut at the maximum segment size in whole pages`,
      `ret = dma_map_sgtable(dev, &sgt, ${s.dir}, 0)    (the kernel decides the P2P type: -EREMOTEIO when the peer is unreachable)`,
      `if ret: sg_free_table(&sgt); fail with ret`,
      `if any entry is not sg_dma_is_bus_address(): dma_unmap_sgtable(); sg_free_table(); fail with -EREMOTEIO`,
      'the device gets the bus addresses: sg_dma_address/sg_dma_len of each entry',
    ],
  },
  unmap: {
    section: 'sg.unmap',
    call: (c) => ({ fn: 'dmaplan_sg_unmap', args: [c.dev, c.tx, c.state] }),
    pseudo: (s) => [`dma_unmap_sgtable(dev, &sgt, ${s.dir}, 0)    (nothing reached the IOMMU; dma-debug tracks it)`, 'sg_free_table(&sgt)'],
  },
  noSync: 'bus addresses never reach the IOMMU or a CPU cache',
}
