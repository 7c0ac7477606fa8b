/**
 * bus: switch-local P2P memory by PCI bus address (pci_p2pdma_state() and
 * pci_p2pdma_bus_addr_map()): no IOMMU mapping, nothing to unmap or sync.
 * Template: templates/module/p2p-bus.c.
 */
import type { PartDef } from './part.js'
import { names } from './page.js'

export const bus: PartDef = {
  id: 'bus',
  file: 'p2p-bus',
  field: 'bus',
  ctype: 'struct dmaplan_slice',
  summary: 'P2P memory reached by PCI bus address',
  includes: ['linux/pci-p2pdma.h'],
  features: () => ['p2pdma'],
  segs: (bufs) => bufs.length,
  map: {
    section: 'p2p-bus.map',
    call: (c) => ({ fn: 'dmaplan_bus_map', args: [c.dev, c.tx, c.state, `${c.slice.first}`, `${c.slice.count}`] }),
    pseudo: (s) => [
      `p2p = {}`,
      `for each buffer b of ${names(s)}:`,
      `    if pci_p2pdma_state(&p2p, dev, page(b)) != PCI_P2PDMA_MAP_BUS_ADDR: fail with -EREMOTEIO`,
      `    the device gets segment (${s.kernel.p2pProvider ? 'pci_p2pdma_bus_addr_map(p2p.mem, phys(b))' : 'pci_p2pdma_bus_addr_map(&p2p, phys(b))'}, len(b))`,
    ],
  },
  unmap: {
    section: 'p2p-bus.unmap',
    call: (c) => ({ fn: 'dmaplan_bus_unmap', args: [c.tx, c.state] }),
    pseudo: () => ['nothing: bus addresses never went through the IOMMU'],
  },
  noSync: 'bus addresses never reach the IOMMU or a CPU cache',
}
