/**
 * coherent: dma_alloc_coherent() per buffer at map, dma_free_coherent() at
 * unmap; the memory needs no sync. Template: templates/module/coherent.c.
 */
import type { PartDef } from '../../codegen/parts/part.js'
import { hex } from '../../codegen/parts/part.js'
import { coherent as descriptor } from './index.js'

const pageAlign = (v: bigint) => ((v + 0xfffn) / 0x1000n) * 0x1000n

export const coherent: PartDef = {
  id: 'coherent',
  file: descriptor.template,
  field: 'coherent',
  ctype: 'struct dmaplan_slice',
  summary: 'allocated coherent: mapped for as long as it exists',
  includes: ['linux/dma-mapping.h'],
  features: () => [],
  segs: (bufs) => bufs.length,
  map: {
    section: 'coherent.map',
    call: (c) => ({ fn: 'dmaplan_coherent_map', args: [c.dev, c.tx, c.state, `${c.slice.first}`, `${c.slice.count}`] }),
    pseudo: (s) => [
      ...s.bufs.map((b) => `cpu(${b.name}) = dma_alloc_coherent(dev, ${hex(pageAlign(b.offset + b.bytes))}, &dma(${b.name}), GFP_KERNEL)${b.offset !== 0n ? `; ${b.name} sits at offset ${hex(b.offset)} in it` : ''}`),
      'if one allocation fails: free the ones made, last first; fail with -ENOMEM',
      `the device gets segments ${s.bufs.map((b) => `(dma(${b.name})${b.offset !== 0n ? ` + ${hex(b.offset)}` : ''}, ${hex(b.bytes)})`).join(', ')}`,
    ],
  },
  unmap: {
    section: 'coherent.unmap',
    call: (c) => ({ fn: 'dmaplan_coherent_unmap', args: [c.dev, c.tx, c.state] }),
    pseudo: (s) => s.bufs.map((b) => `dma_free_coherent(dev, ${hex(pageAlign(b.offset + b.bytes))}, cpu(${b.name}), dma(${b.name}))`),
  },
  noSync: 'coherent memory: the CPU and the device see each other\'s writes',
}
