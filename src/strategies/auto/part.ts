/**
 * auto: the three-way dispatch of the two-step DMA API discussion, per
 * buffer: host memory linked into one IOVA range for the transaction where
 * there is an IOMMU, switch-local P2P memory by bus address, the rest mapped
 * piece by piece. Template: templates/module/auto.c.
 */
import type { Feature } from '../../codegen/features.js'
import { names, piecesUnmapPseudo } from '../page/part.js'
import type { PartDef, PseudoSite } from '../../codegen/parts/part.js'
import { attrsExpr, hex, pieces } from '../../codegen/parts/part.js'
import { auto as descriptor } from './index.js'

const host = (s: PseudoSite) => s.bufs.filter((b) => b.kind === 'normal')
const withMmio = (attrs: string) => (attrs === '0' ? 'DMA_ATTR_MMIO' : `${attrs} | DMA_ATTR_MMIO`)

export const auto: PartDef = {
  id: 'auto',
  file: descriptor.template,
  field: 'dispatch',
  ctype: 'struct dmaplan_auto',
  summary: 'host memory in one IOVA range where there is an IOMMU, switch-local peer memory by bus address, the rest buffer by buffer',
  includes: ['linux/dma-mapping.h', 'linux/scatterlist.h'],
  features: (k): Feature[] => [...(k.iovaApi ? (['dma_iova', 'need_unmap'] as const) : []), ...(k.mapPhys ? (['map_phys', 'attr_mmio'] as const) : [])],
  segs: (bufs, device) => pieces(bufs, device),
  map: {
    section: 'auto.map',
    call: (c) => ({ fn: 'dmaplan_auto_map', args: [c.dev, c.tx, c.state, c.slice.useIova ? 'true' : 'false', attrsExpr(c.slice.attrs)] }),
    pseudo: (s) => {
      const h = host(s)
      const lines: string[] = []
      if (s.slice.useIova) {
        lines.push(`size = ${hex(h.reduce((n, b) => n + b.bytes, 0n))} (host memory: ${h.map((b) => b.name).join(' + ')})`)
        lines.push(`if dma_iova_try_alloc(dev, &state, phys(${h[0]?.name}), size):`)
        let off = 0n
        for (const b of h) {
          lines.push(`    dma_iova_link(dev, &state, phys(${b.name}), ${hex(off)}, ${hex(b.bytes)}, ${s.dir}, ${s.attrs})    on error: dma_iova_destroy(dev, &state, ${hex(off)}, ...); fail`)
          off += b.bytes
        }
        lines.push(`    dma_iova_sync(dev, &state, 0, size)    on error: dma_iova_destroy(dev, &state, size, ...); fail`)
      } else if (h.length > 0) {
        lines.push(
          !s.kernel.iovaApi
            ? 'no IOVA range: the IOVA API came in 6.16'
            : 'no IOVA range: the host buffers do not meet on the IOMMU granule (only the first may start and the last end off it)',
        )
      }
      const peers = s.bufs.filter((b) => b.kind === 'p2p-bus')
      if (peers.length > 0) {
        lines.push(`sg_alloc_table(&bus, entries of ${peers.map((b) => b.name).join(' + ')})    (the peers' memory, cut at the maximum segment size)`)
        lines.push(`ret = dma_map_sgtable(dev, &bus, ${s.dir}, 0)    on error: sg_free_table(&bus); unwind; fail`)
        lines.push('if any entry is not sg_dma_is_bus_address(): dma_unmap_sgtable(); sg_free_table(); unwind; fail with -EREMOTEIO')
      }
      lines.push('max = dma_max_mapping_size(dev)')
      lines.push(`for each buffer b of ${names(s)}, in order:`)
      for (const b of s.bufs) {
        if (b.kind === 'normal' && s.slice.useIova) lines.push(`    ${b.name}: in the IOVA range if there is one (next to the previous host buffer: one segment), else as below`)
        if (b.kind === 'p2p-bus') lines.push(`    ${b.name}: its entries of the bus table, bus addresses as the kernel gave them`)
        else {
          const call = s.kernel.mapPhys
            ? `dma_map_phys(..., ${b.kind === 'p2p-host-bridge' ? withMmio(s.attrs) : s.attrs})`
            : b.kind === 'p2p-host-bridge'
              ? 'dma_map_resource()'
              : 'dma_map_page_attrs()'
          lines.push(`    ${b.name}: pieces of at most max bytes, ${call}, dma_mapping_error() each`)
        }
      }
      lines.push(`on error: unmap the pieces mapped so far, last first${s.slice.useIova ? '; dma_iova_destroy() the IOVA range' : ''}; fail`)
      if (s.kernel.iovaApi) lines.push('need_unmap = dma_need_unmap(dev) if any buffer was mapped in pieces    (only valid after the last map)')
      return lines
    },
  },
  unmap: {
    section: 'auto.unmap',
    call: (c) => ({ fn: 'dmaplan_auto_unmap', args: [c.dev, c.tx, c.state] }),
    pseudo: (s) => [
      ...(s.slice.useIova ? ['if dma_use_iova(&state): dma_iova_destroy(dev, &state, size, ...)'] : []),
      `if need_unmap:`,
      ...piecesUnmapPseudo({ ...s, bufs: s.bufs.filter((b) => b.kind !== 'p2p-bus' && !(b.kind === 'normal' && s.slice.useIova)) }).map((l) => `    ${l}`),
      ...(s.bufs.some((b) => b.kind === 'p2p-bus') ? ['dma_unmap_sgtable(dev, &bus, ...); sg_free_table(&bus)    (the bus addresses)'] : []),
    ],
  },
  sync: {
    ranged: true,
    sections: (k) => (k.iovaApi ? ['auto.sync', 'iova.sync_buf'] : ['auto.sync']),
    call: (c, to, first, count) => ({ fn: 'dmaplan_auto_sync', args: [c.dev, c.tx, c.state, first, count, to === 'cpu' ? 'true' : 'false'] }),
    pseudo: (s, to, first, count) => {
      const bufs = s.txm.bufs.slice(first, first + count)
      return bufs.flatMap((b) =>
        b.kind === 'normal'
          ? [`${b.name}: in the IOVA range, dma_sync_single_for_${to}() where it sits (pieces that cross no granule boundary); else each of its pieces`]
          : b.kind === 'encrypted'
            ? [`${b.name}: dma_sync_single_for_${to}() of each of its pieces`]
            : [`${b.name}: nothing (P2P memory)`],
      )
    },
  },
}
