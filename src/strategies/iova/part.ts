/**
 * iova: the two-step IOVA API (dma_iova_try_alloc/link/sync/destroy) with the
 * per-buffer fallback that Documentation/core-api/dma-api.rst prescribes when
 * dma_iova_try_alloc() says no, dma_need_unmap() deciding whether the
 * fallback's mappings must be undone. Template: templates/module/iova.c.
 */
import type { Feature } from '../../codegen/features.js'
import { page, piecesPseudo, piecesUnmapPseudo, syncEach } from '../page/part.js'
import type { PartDef, PseudoSite } from '../../codegen/parts/part.js'
import { attrsExpr, hex, pieces } from '../../codegen/parts/part.js'
import { iova as descriptor } from './index.js'

const total = (s: PseudoSite) => s.bufs.reduce((n, b) => n + b.bytes, 0n)

export const iova: PartDef = {
  id: 'iova',
  file: descriptor.template,
  field: 'iova',
  ctype: 'struct dmaplan_iova',
  summary: 'linked into one IOVA range, or each buffer on its own without one',
  includes: ['linux/dma-mapping.h'],
  features: (k, slice, bufs): Feature[] => ['dma_iova', 'need_unmap', ...page.features(k, slice, bufs)],
  // One IOVA range, or the fallback's pieces.
  segs: (bufs, device) => pieces(bufs, device),
  map: {
    section: 'iova.map',
    call: (c) => ({ fn: 'dmaplan_iova_map', args: [c.dev, c.tx, c.state, `${c.slice.first}`, `${c.slice.count}`, attrsExpr(c.slice.attrs)] }),
    pseudo: (s) => {
      const size = hex(total(s))
      const lines = [`size = ${size} (${s.bufs.map((b) => b.name).join(' + ')})`, `if dma_iova_try_alloc(dev, &state, phys(${s.bufs[0]?.name}), size):`]
      let offset = 0n
      for (const b of s.bufs) {
        lines.push(`    dma_iova_link(dev, &state, phys(${b.name}), ${hex(offset)}, ${hex(b.bytes)}, ${s.dir}, ${s.attrs})`)
        lines.push(`    on error: dma_iova_destroy(dev, &state, ${hex(offset)}, ${s.dir}, ${s.attrs}); fail`)
        offset += b.bytes
      }
      lines.push(
        `    dma_iova_sync(dev, &state, 0, size)`,
        `    on error: dma_iova_destroy(dev, &state, size, ${s.dir}, ${s.attrs}); fail`,
        `    the device gets segment (state.addr, size)`,
        `else (no translating IOMMU, or no IOVA space left):`,
        ...piecesPseudo(s, '    '),
        `    need_unmap = dma_need_unmap(dev)    (only valid after the last map)`,
      )
      return lines
    },
  },
  unmap: {
    section: 'iova.unmap',
    call: (c) => ({ fn: 'dmaplan_iova_unmap', args: [c.dev, c.tx, c.state] }),
    pseudo: (s) => [
      `if dma_use_iova(&state):`,
      `    dma_iova_destroy(dev, &state, ${hex(total(s))}, ${s.dir}, ${s.attrs})`,
      `else if need_unmap:`,
      ...piecesUnmapPseudo(s).map((l) => `    ${l}`),
    ],
  },
  unlink: {
    section: 'iova.unlink',
    call: (c, index) => ({ fn: 'dmaplan_iova_unlink', args: [c.dev, c.tx, c.state, index] }),
    pseudo: (s, index) => {
      const b = s.txm.bufs[index]
      const offset = s.txm.bufs.slice(s.slice.first, index).reduce((n, x) => n + x.bytes, 0n)
      return [
        'if dma_use_iova(&state):',
        `    dma_iova_unlink(dev, &state, ${hex(offset)}, ${hex(b?.bytes ?? 0n)}, ${s.dir}, ${s.attrs})    (the device loses ${b?.name}; the CPU owns it again)`,
        `else if need_unmap: unmap the pieces of ${b?.name}`,
        `the unmap then unlinks each run of buffers still linked and calls dma_iova_free(), as dma_iova_destroy() needs all of [0, mapped_len) linked`,
      ]
    },
  },
  sync: {
    ranged: true,
    sections: () => ['iova.sync'],
    call: (c, to, first, count) => ({ fn: 'dmaplan_iova_sync', args: [c.dev, c.tx, c.state, first, count, to === 'cpu' ? 'true' : 'false'] }),
    pseudo: (s, to, first, count) => {
      const lines = ['if dma_use_iova(&state):']
      let offset = 0n
      s.bufs.forEach((b, i) => {
        const index = s.slice.first + i
        if (index >= first && index < first + count)
          lines.push(`    dma_sync_single_for_${to}() of ${b.name} at state.addr + ${hex(offset)}, in pieces that cross no granule boundary where a bounce may sit`)
        offset += b.bytes
      })
      return [...lines, 'else:', ...syncEach(s, to, first, count).map((l) => `    ${l}`)]
    },
  },
}
