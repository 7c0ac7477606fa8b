/**
 * page: each buffer mapped on its own, in pieces of at most
 * dma_max_mapping_size(), with dma_map_phys() (6.18+) or dma_map_page_attrs()
 * and dma_map_resource() for MMIO before; the unmap repeats the length,
 * direction and attributes of each piece. Template: templates/module/page.c.
 */
import type { Feature } from '../../codegen/features.js'
import type { PartDef, PseudoSite } from '../../codegen/parts/part.js'
import { hex, pieces } from '../../codegen/parts/part.js'
import { page as descriptor } from './index.js'

export const names = (s: PseudoSite) => s.bufs.map((b) => `${b.name} (${hex(b.bytes)} bytes${b.kind === 'p2p-host-bridge' ? ', MMIO' : ''})`).join(', ')

/** The per-piece calls of page, also the IOVA strategy's fallback. */
export function piecesPseudo(s: PseudoSite, indent = ''): string[] {
  const mmio = s.bufs.some((b) => b.kind === 'p2p-host-bridge')
  const map = s.kernel.mapPhys
    ? [`    addr = dma_map_phys(dev, phys(b) + off, len, ${s.dir}, ${mmio ? `${s.attrs === '0' ? '' : `${s.attrs} | `}(MMIO buffer ? DMA_ATTR_MMIO : 0)` : s.attrs})`]
    : mmio
      ? [`    addr = MMIO buffer ? dma_map_resource(dev, phys(b) + off, len, ${s.dir}, ${s.attrs})`, `                       : dma_map_page_attrs(dev, page, offset, len, ${s.dir}, ${s.attrs})`]
      : [`    addr = dma_map_page_attrs(dev, page(b) + off, offset, len, ${s.dir}, ${s.attrs})`]
  return [
    'max = dma_max_mapping_size(dev)    (a bounce buffer is at most one swiotlb segment)',
    `for each buffer b of ${names(s)}, in pieces (off, len) of at most max bytes:`,
    ...map,
    '    if dma_mapping_error(dev, addr): unmap the pieces mapped so far, last first; fail with -ENOMEM',
    '    the device gets segment (addr, len)',
  ].map((l) => `${indent}${l}`)
}

export function piecesUnmapPseudo(s: PseudoSite): string[] {
  const call = s.kernel.mapPhys ? 'dma_unmap_phys' : s.bufs.some((b) => b.kind === 'p2p-host-bridge') ? 'dma_unmap_resource / dma_unmap_page_attrs' : 'dma_unmap_page_attrs'
  return [`for each piece (addr, len) of ${s.bufs.map((b) => b.name).join(', ')}, in order:`, `    ${call}(dev, addr, len, ${s.dir}, attrs it was mapped with)`]
}

/** Per-piece syncs of the buffers in [first, first + count) that the slice maps. */
export function syncEach(s: PseudoSite, to: 'cpu' | 'device', first: number, count: number): string[] {
  const bufs = s.txm.bufs.slice(Math.max(first, s.slice.first), Math.min(first + count, s.slice.first + s.slice.count))
  return bufs.map((b) => `dma_sync_single_for_${to}(dev, addr, len, ${s.dir}) for each piece of ${b.name}`)
}

export const page: PartDef = {
  id: 'page',
  file: descriptor.template,
  field: 'page',
  ctype: 'struct dmaplan_slice',
  summary: 'each buffer mapped on its own',
  includes: ['linux/dma-mapping.h'],
  features: (k): Feature[] => (k.mapPhys ? ['map_phys', 'attr_mmio'] : []),
  segs: (bufs, device) => pieces(bufs, device),
  map: {
    section: 'page.map',
    call: (c) => ({ fn: 'dmaplan_page_map', args: [c.dev, c.tx, c.state, `${c.slice.first}`, `${c.slice.count}`, c.slice.attrs.length ? c.slice.attrs.join(' | ') : '0'] }),
    pseudo: (s) => piecesPseudo(s),
  },
  unmap: {
    section: 'page.unmap',
    call: (c) => ({ fn: 'dmaplan_page_unmap', args: [c.dev, c.tx, c.state] }),
    pseudo: (s) => piecesUnmapPseudo(s),
  },
  sync: {
    ranged: true,
    sections: () => ['page.sync'],
    call: (c, to, first, count) => ({ fn: 'dmaplan_page_sync', args: [c.dev, c.tx, c.state, first, count, to === 'cpu' ? 'true' : 'false'] }),
    pseudo: (s, to, first, count) => syncEach(s, to, first, count),
  },
}
