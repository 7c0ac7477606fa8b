/**
 * Strategy "p2p-bus": switch-local peer memory reached by PCI bus address
 * (P5). Nothing goes through the IOMMU or swiotlb and nothing is unmapped.
 *
 *   struct pci_p2pdma_map_state p2p = {};
 *   for each region:
 *       if (pci_p2pdma_state(&p2p, dev, page) != PCI_P2PDMA_MAP_BUS_ADDR)
 *           return -EREMOTEIO;
 *       addr = pci_p2pdma_bus_addr_map(&p2p, phys);
 */
import { newP2pState } from '../dma/p2pdma.js'
import { BufferView, segmentsOf } from './strategy.js'
import type { MapOutcome, TxContext } from './strategy.js'

export function mapP2pBus(ctx: TxContext): MapOutcome {
  const { api, m, regions } = ctx
  const st = newP2pState()
  const segs: { dma: bigint; len: bigint }[] = []
  for (const r of regions) {
    const t = api.pci_p2pdma_state(st, r.phys)
    if (t !== 'PCI_P2PDMA_MAP_BUS_ADDR') {
      for (const s of segs) m.windows.close(s.dma, s.len)
      return { ok: false, error: `${r.name}: pci_p2pdma_state() is ${t}, not a bus address (-EREMOTEIO)` }
    }
    const dma = api.pci_p2pdma_bus_addr_map(st, r.phys)
    m.windows.open(dma, r.bytes, 'pci bus address')
    segs.push({ dma, len: r.bytes })
  }
  const view = new BufferView(regions, segs)
  return {
    ok: true,
    mapping: {
      path: 'bus address',
      segments: () => segmentsOf(segs),
      locate: (r, o, l) => view.locate(r, o, l),
      sync: () => {},
      unmap: () => {
        for (const s of segs) m.windows.close(s.dma, s.len)
      },
      metadataBytes: () => segs.length * 8,
      stateBytes: () => 0,
    },
  }
}
