/**
 * A bug scenario (bug.ts) as a module: a PCI driver for edu whose probe
 * allocates the buffers, reports where they are (`dmaplan: region ...`),
 * and makes the scenario's calls one after the other, exactly as written,
 * wrong ones included; remove frees the buffers. On a release before 7.0
 * dma_map_phys() is dma_map_page_attrs(), as in simulateBug().
 */
import type { KernelVersion } from '../../../src/plan/kernel.js'
import { kernelHas } from '../../../src/plan/kernel-changes.js'
import type { Bug, Dir } from './bug.js'

const DIR: Record<Dir, string> = { 'to-device': 'DMA_TO_DEVICE', 'from-device': 'DMA_FROM_DEVICE', bidirectional: 'DMA_BIDIRECTIONAL' }
const hex = (v: number): string => `0x${v.toString(16)}`

export function bugModule(b: Bug, release: KernelVersion): Map<string, string> {
  const mapPhys = kernelHas(release, 'dma-map-phys')
  const bufs = Object.keys(b.buffers)
  const handles = [...new Set(b.calls.filter((c) => c.fn === 'map' || c.fn === 'alloc-coherent').map((c) => c.handle))]
  const tables = [...new Set(b.calls.filter((c) => c.fn === 'map-sg').map((c) => c.handle))]
  const coherent = [...new Set(b.calls.filter((c) => c.fn === 'alloc-coherent').map((c) => c.handle))]
  const states = [...new Set(b.calls.filter((c) => c.fn === 'iova-alloc').map((c) => c.handle))]
  const st = (name: string) => `&states[${states.indexOf(name)}]`
  const buf = (name: string) => `bufs[${bufs.indexOf(name)}]`
  const handle = (name: string) => `handles[${handles.indexOf(name)}]`
  const table = (name: string) => `tables[${tables.indexOf(name)}]`
  const sizes = new Map<string, number>()
  const dirs = new Map<string, Dir>()
  const body: string[] = []
  const ret = (i: number) => `dev_info(dev, "dmaplan: call ${i} ret=%d\\n", ret);`
  for (const [i, c] of b.calls.entries()) {
    switch (c.fn) {
      case 'iova-alloc':
        body.push(`ret = dma_iova_try_alloc(dev, ${st(c.handle)}, ${buf(c.buf)}.phys, ${hex(c.size)});`, ret(i))
        break
      case 'iova-link':
        body.push(`ret = dma_iova_link(dev, ${st(c.handle)}, ${buf(c.buf)}.phys, ${hex(c.offset)}, ${hex(b.buffers[c.buf]?.bytes ?? 0)}, ${DIR[c.dir]}, 0);`, ret(i))
        break
      case 'iova-sync':
        body.push(`ret = dma_iova_sync(dev, ${st(c.handle)}, ${hex(c.offset)}, ${hex(c.size)});`, ret(i))
        break
      case 'iova-unlink':
        body.push(`dma_iova_unlink(dev, ${st(c.handle)}, ${hex(c.offset)}, ${hex(c.size)}, ${DIR[c.dir]}, 0);`)
        break
      case 'iova-destroy':
        body.push(`dma_iova_destroy(dev, ${st(c.handle)}, ${hex(c.mapped)}, ${DIR[c.dir]}, 0);`)
        break
      case 'map': {
        const size = c.size ?? b.buffers[c.buf]?.bytes ?? 0
        sizes.set(c.handle, size)
        dirs.set(c.handle, c.dir)
        const at = `${buf(c.buf)}.phys${c.offset ? ` + ${hex(c.offset)}` : ''}`
        body.push(
          mapPhys
            ? `${handle(c.handle)} = dma_map_phys(dev, ${at}, ${hex(size)}, ${DIR[c.dir]}, 0);`
            : `${handle(c.handle)} = dma_map_page_attrs(dev, pfn_to_page(PHYS_PFN(${at})), offset_in_page(${at}), ${hex(size)}, ${DIR[c.dir]}, 0);`,
        )
        if (c.check !== false) body.push(`if (dma_mapping_error(dev, ${handle(c.handle)}))`, `\tdev_info(dev, "dmaplan: map ${c.handle} failed\\n");`)
        break
      }
      case 'unmap': {
        const size = hex(c.size ?? sizes.get(c.handle) ?? 0)
        const dir = DIR[c.dir ?? dirs.get(c.handle) ?? 'bidirectional']
        const fn = c.as === 'resource' ? 'dma_unmap_resource' : mapPhys ? 'dma_unmap_phys' : 'dma_unmap_page_attrs'
        const addr = c.handle === 'error' ? 'DMA_MAPPING_ERROR' : handle(c.handle)
        body.push(`${fn}(dev, ${addr}${c.offset ? ` + ${hex(c.offset)}` : ''}, ${size}, ${dir}, 0);`)
        break
      }
      case 'sync': {
        const size = hex(c.size ?? sizes.get(c.handle) ?? 0)
        const dir = DIR[c.dir ?? dirs.get(c.handle) ?? 'bidirectional']
        body.push(`dma_sync_single_for_${c.to}(dev, ${handle(c.handle)}${c.offset ? ` + ${hex(c.offset)}` : ''}, ${size}, ${dir});`)
        break
      }
      case 'map-sg': {
        dirs.set(c.handle, c.dir)
        const t = table(c.handle)
        body.push(`if (sg_alloc_table(&${t}, ${c.bufs.length}, GFP_KERNEL))`, '\treturn -ENOMEM;')
        c.bufs.forEach((name, i) =>
          body.push(`sg_set_page(sg_next_n(${t}.sgl, ${i}), pfn_to_page(PHYS_PFN(${buf(name)}.phys)), ${hex(b.buffers[name]?.bytes ?? 0)}, offset_in_page(${buf(name)}.phys));`),
        )
        body.push(`${t}.nents = dma_map_sg(dev, ${t}.sgl, ${t}.orig_nents, ${DIR[c.dir]});`)
        break
      }
      case 'unmap-sg': {
        const t = table(c.handle)
        body.push(`dma_unmap_sg(dev, ${t}.sgl, ${c.nents ?? `${t}.orig_nents`}, ${DIR[c.dir ?? dirs.get(c.handle) ?? 'bidirectional']});`)
        break
      }
      case 'sync-sg': {
        const t = table(c.handle)
        body.push(`dma_sync_sg_for_${c.to}(dev, ${t}.sgl, ${c.nents ?? `${t}.orig_nents`}, ${DIR[c.dir ?? dirs.get(c.handle) ?? 'bidirectional']});`)
        break
      }
      case 'alloc-coherent': {
        const i = coherent.indexOf(c.handle)
        sizes.set(c.handle, c.size)
        body.push(
          `cpu[${i}] = dma_alloc_coherent(dev, ${hex(c.size)}, &${handle(c.handle)}, GFP_KERNEL);`,
          `if (!cpu[${i}])`,
          '\treturn -ENOMEM;',
          `dev_info(dev, "dmaplan: region ${c.handle} phys=%pa len=${hex(c.size)}\\n", &(phys_addr_t){ virt_to_phys(cpu[${i}]) });`,
        )
        break
      }
      case 'free-coherent': {
        const i = coherent.indexOf(c.handle)
        body.push(`dma_free_coherent(dev, ${hex(sizes.get(c.handle) ?? 0)}, cpu[${i}]${c.cpuOffset ? ` + ${hex(c.cpuOffset)}` : ''}, ${handle(c.handle)});`)
        break
      }
    }
  }
  const alloc = bufs.flatMap((name, i) => {
    const r = b.buffers[name] ?? { bytes: 0 }
    return [
      `bufs[${i}].order = get_order(${hex((r.offset ?? 0) + r.bytes)});`,
      `bufs[${i}].page = alloc_pages(GFP_KERNEL, bufs[${i}].order);`,
      `if (!bufs[${i}].page)`,
      '\treturn -ENOMEM;',
      `bufs[${i}].phys = page_to_phys(bufs[${i}].page)${r.offset ? ` + ${hex(r.offset)}` : ''};`,
      `dev_info(dev, "dmaplan: region ${name} phys=%pa len=${hex(r.bytes)}\\n", &bufs[${i}].phys);`,
    ]
  })
  const n = b.name
  const c = [
    '// SPDX-License-Identifier: GPL-2.0',
    '/*',
    ` * ${n}: a dmaplan bug scenario (test/kernel/bugs): ${b.about}.`,
    ' * It does that on purpose; dma-debug is to say so.',
    ' */',
    '#include <linux/dma-mapping.h>',
    '#include <linux/gfp.h>',
    '#include <linux/io.h>',
    '#include <linux/mm.h>',
    '#include <linux/module.h>',
    '#include <linux/pci.h>',
    '#include <linux/scatterlist.h>',
    '',
    'struct bug_buf {',
    '\tstruct page *page;',
    '\tunsigned int order;',
    '\tphys_addr_t phys;',
    '};',
    '',
    `static struct bug_buf bufs[${Math.max(bufs.length, 1)}];`,
    ...(handles.length > 0 ? [`static dma_addr_t handles[${handles.length}];`] : []),
    ...(tables.length > 0 ? [`static struct sg_table tables[${tables.length}];`] : []),
    ...(coherent.length > 0 ? [`static void *cpu[${coherent.length}];`] : []),
    ...(states.length > 0 ? [`static struct dma_iova_state states[${states.length}];`] : []),
    '',
    ...(tables.length > 0
      ? ['static struct scatterlist *sg_next_n(struct scatterlist *sg, unsigned int n)', '{', '\twhile (n--)', '\t\tsg = sg_next(sg);', '\treturn sg;', '}', '']
      : []),
    `static int ${n}_probe(struct pci_dev *pdev, const struct pci_device_id *id)`,
    '{',
    '\tstruct device *dev = &pdev->dev;',
    '\tint ret;',
    '',
    '\tret = pcim_enable_device(pdev);',
    '\tif (ret)',
    '\t\treturn ret;',
    '\tret = dma_set_mask_and_coherent(dev, DMA_BIT_MASK(28));',
    '\tif (ret)',
    '\t\treturn ret;',
    ...(b.device?.segmentBoundary === undefined ? [] : [`\tdma_set_seg_boundary(dev, ${hex(b.device.segmentBoundary)});`]),
    ...alloc.map((l) => `\t${l}`),
    ...body.map((l) => `\t${l}`),
    '\tdev_info(dev, "dmaplan: status ok ret=0 errors=0 transfers=0\\n");',
    '\treturn 0;',
    '}',
    '',
    `static void ${n}_remove(struct pci_dev *pdev)`,
    '{',
    '\tunsigned int i;',
    '',
    '\tfor (i = 0; i < ARRAY_SIZE(bufs); i++)',
    '\t\tif (bufs[i].page)',
    '\t\t\t__free_pages(bufs[i].page, bufs[i].order);',
    '}',
    '',
    `static const struct pci_device_id ${n}_ids[] = {`,
    '\t{ PCI_DEVICE(0x1234, 0x11e8) },',
    '\t{}',
    '};',
    `MODULE_DEVICE_TABLE(pci, ${n}_ids);`,
    '',
    `static struct pci_driver ${n}_driver = {`,
    `\t.name = "${n}",`,
    `\t.id_table = ${n}_ids,`,
    `\t.probe = ${n}_probe,`,
    `\t.remove = ${n}_remove,`,
    '};',
    `module_pci_driver(${n}_driver);`,
    '',
    `MODULE_DESCRIPTION("dmaplan bug scenario ${n}");`,
    'MODULE_LICENSE("GPL");',
    '',
  ]
  return new Map([
    [`${n}.c`, c.join('\n')],
    ['Kbuild', `obj-m += ${n}.o\n`],
  ])
}
