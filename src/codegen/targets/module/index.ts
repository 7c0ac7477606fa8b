/**
 * The module target: a kbuild directory with the driver (<plan>.c), Kbuild, a
 * Makefile, and the two headers for APIs newer than the kernel it builds on.
 *
 * The driver is template code (templates/module, the sections the plan uses)
 * around plan-specific code (glue.ts). A variant of the target, such as a
 * test harness that drives a real device, changes the pieces in
 * ModuleFlavour and keeps the rest.
 */
import { clangFormat } from '../../c/clang-format.js'
import { PAGE_SIZE, PAGE_SIZE_N, SECTOR_SIZE_N } from '../../../plan/kernel-consts.js'
import { CWriter } from '../../c/writer.js'
import { describeBuf, describeDevice, describePlatform, describeTx, hexOf } from '../../describe.js'
import { boundaryLiteral, dmaSetCall, dmaSetExpr, sizeLiteral } from '../../dma-set.js'
import type { DriverStep } from '../../../plan/ir.js'
import { CodegenError } from '../../errors.js'
import type { CodegenModel } from '../../model.js'
import type { GenerateOptions } from '../../options.js'
import { shapeFlags } from '../../kernel-shape.js'
import type { ModuleFlavour } from './flavour.js'
import { MODULE_FLAVOUR } from './flavour.js'
import { Glue } from './glue.js'
import { compatHeader, featuresOf, kbuild, makefile, upstreamHeader } from './headers.js'
import { Names } from './names.js'
import { moduleTemplates } from './templates.js'
import { descriptor } from '../../../strategies/index.js'

export type { EngineFlavour, ModuleFlavour } from './flavour.js'
export { MODULE_FLAVOUR } from './flavour.js'

export function renderModule(m: CodegenModel, options: Pick<GenerateOptions, 'clangFormat'>, flavour: ModuleFlavour = MODULE_FLAVOUR): Map<string, string> {
  const name = m.plan.name
  if (name === 'dmaplan' || name.startsWith('dmaplan_'))
    throw new CodegenError([`plan name ${name} starts with dmaplan, the prefix of the generator's own C; give the plan another name.`])
  const features = featuresOf(m)
  const driver = driverSource(m, flavour)
  const mode = options.clangFormat ?? 'auto'
  let source = driver.text
  if (mode === 'always' || (mode === 'auto' && driver.unsure)) source = clangFormat(source, `${name}.c`) ?? source
  return new Map([
    [`${name}.c`, source],
    ['dmaplan_compat.h', compatHeader(features, m.kernel)],
    ['dmaplan_upstream.h', upstreamHeader(features, m.kernel)],
    ['Kbuild', kbuild(name, new Names(name).module, features)],
    ['Makefile', makefile()],
  ])
}

function driverSource(m: CodegenModel, flavour: ModuleFlavour): { text: string; unsure: boolean } {
  const n = new Names(m.plan.name)
  const lib = moduleTemplates()
  const glue = new Glue(m, n, flavour.engine)

  // Plan-specific code first, to learn which template sections it calls.
  const code = new CWriter()
  glue.txFunctions(code)
  glue.run(code)
  glue.release(code)
  glue.alloc(code)
  glue.free(code)
  probeAndRemove(code, m, n, glue, flavour)
  driverObjects(code, m, n, flavour)
  if (glue.usesBlk) glue.sections.add('blk.queue')
  if (flavour.engine !== undefined) for (const s of ['types', 'init', 'track', 'status']) glue.sections.add(`${flavour.engine.template}.${s}`)
  if (flavour.engine !== undefined && glue.paged.length > 0) glue.sections.add(`${flavour.engine.template}.pages`)
  // A dispatching strategy's (auto's) bus-address branch only where the plan gives it switch-local peer memory.
  const p2pBus = m.txs.some((t) => descriptor(t.strategy).dispatches && t.slices.some((s) => t.bufs.slice(s.first, s.first + s.count).some((b) => b.kind === 'p2p-bus')))
  if (p2pBus) glue.sections.add('auto.bus')
  const hooks = [...glue.sections].map((id) => id.replace(/^hooks\./, `${flavour.hooks}.`))

  const sections = lib.closure(hooks)
  const flags = { ...shapeFlags(m.kernel), p2p_bus: p2pBus, iova_unlink: glue.usesUnlink }
  const types = sections.filter((s) => s.name === 'types')
  const partTypes = new Set(m.txs.flatMap((t) => t.slices.map((s) => `${s.part.file}.types`)))
  if (glue.usesBlk) partTypes.add('blk.types')
  const typeSections = lib.closure([...types.map((s) => s.id), ...[...partTypes].filter((id) => lib.has(id))]).filter((s) => s.name === 'types')
  const codeSections = sections.filter((s) => s.name !== 'types')

  const w = new CWriter()
  header(w, m)
  w.blank()
  for (const inc of includes(m, glue, flavour)) w.line(`#include <${inc}>`)
  w.blank()
  w.line('#include "dmaplan_compat.h"')
  if (flavour.faultInjection) {
    w.blank()
    w.formatted(lib.render(lib.closure(['inject.macros']), flags))
  }
  for (const p of m.peers) {
    w.blank()
    w.decl('static char', `*${n.peerParam(p.name)}`)
    w.call('module_param_named', [p.name, n.peerParam(p.name), 'charp', '0444'], ');')
    w.call('MODULE_PARM_DESC', [p.name, `"PCI address of ${p.name}, which provides P2P memory"`], ');')
  }
  for (const section of lib.renderEach(typeSections, flags)) {
    w.blank()
    w.formatted(section)
  }
  const structs = new CWriter()
  glue.txStructs(structs)
  glue.devStruct(structs)
  w.blank()
  w.formatted(structs.toString())
  for (const section of lib.renderEach(codeSections, flags)) {
    w.blank()
    w.formatted(section)
  }
  w.blank()
  w.formatted(code.toString())
  return { text: w.toString(), unsure: code.unsure || structs.unsure || w.unsure }
}

function header(w: CWriter, m: CodegenModel): void {
  w.line('// SPDX-License-Identifier: GPL-2.0')
  w.commentBlock([
    `${m.plan.name}: the DMA transaction plan ${m.plan.name} as a PCI driver for ${m.device.name}, generated by dmaplan. Probe allocates the plan's memory and runs its steps; what the plan keeps mapped is unmapped when the driver is unbound.`,
    '',
    `Platform: ${describePlatform(m.platform)}.`,
    `Device ${describeDevice(m.device)}.`,
    ...(m.bufs.length > 0 ? ['', 'Memory:', ...m.bufs.map((b) => `  ${describeBuf(b)}`)] : []),
    ...(m.txs.length > 0 ? ['', 'Transactions:', ...m.txs.map((t) => `  ${describeTx(t)}`)] : []),
  ])
}

function includes(m: CodegenModel, glue: Glue, flavour: ModuleFlavour): string[] {
  const set = new Set(['linux/device.h', 'linux/dma-mapping.h', 'linux/mm.h', 'linux/module.h', 'linux/pci.h', ...(flavour.engine?.includes ?? [])])
  for (const t of m.txs) for (const s of t.slices) for (const i of s.part.includes) set.add(i)
  if (m.peers.length > 0) set.add('linux/err.h').add('linux/pci-p2pdma.h')
  if (m.bufs.some((b) => b.alloc === 'shared')) set.add('linux/set_memory.h')
  if (glue.waits) set.add('linux/delay.h')
  if (glue.usesBlk) set.add('linux/blk-mq.h').add('linux/err.h')
  set.add('linux/sizes.h')
  return [...set].sort()
}

/** blk_validate_limits()'s defaults of max_hw_sectors and max_segments (block/blk-settings.c). */
const BLK_SAFE_MAX_SECTORS = 255
const BLK_MAX_SEGMENTS = 128

/** The largest block request of the plan: 512-byte sectors, and segments (at most one per page). */
function blkRequests(m: CodegenModel): { sectors: number; segments: number } {
  let sectors = 0
  let segments = 0
  for (const t of m.txs)
    for (const s of t.slices) {
      if (s.part.request !== true) continue
      const bytes = t.bufs.slice(s.first, s.first + s.count).reduce((n, b) => n + b.bytes, 0n)
      sectors = Math.max(sectors, Number((bytes + SECTOR_SIZE_N - 1n) / SECTOR_SIZE_N))
      segments = Math.max(segments, s.segs)
    }
  return { sectors, segments }
}

function probeAndRemove(w: CWriter, m: CodegenModel, n: Names, glue: Glue, flavour: ModuleFlavour): void {
  const d = m.device
  const blk = glue.usesBlk
  const engine = flavour.engine
  w.blank()
  w.fn({ head: `static int ${n.fn('probe')}`, params: ['struct pci_dev *pdev', 'const struct pci_device_id *id'] }, () => {
    if (blk) {
      const { sectors, segments } = blkRequests(m)
      w.block('struct queue_limits lim =', () => {
        if (d.maxSegmentSize >= PAGE_SIZE) w.line(`.max_segment_size = ${sizeLiteral(d.maxSegmentSize)},`)
        if (d.segmentBoundary >= PAGE_SIZE_N - 1n) w.line(`.seg_boundary_mask = ${boundaryLiteral(d.segmentBoundary)},`)
        if (d.minAlignMask !== 0) w.line(`.virt_boundary_mask = ${hexOf(d.minAlignMask)},`)
        // The plan's requests must fit whole: blk_rq_append_bio() refuses a bio that would need a split.
        if (sectors > BLK_SAFE_MAX_SECTORS) w.line(`.max_hw_sectors = ${sectors},`)
        if (segments > BLK_MAX_SEGMENTS) w.line(`.max_segments = ${segments},`)
      }, ';')
    }
    w.line('struct device *dev = &pdev->dev;')
    w.line(`${n.dev} *pd;`)
    w.line('int ret;')
    w.blank()
    w.line('pd = devm_kzalloc(dev, sizeof(*pd), GFP_KERNEL);')
    w.if('!pd', 'return -ENOMEM;')
    w.line('pd->dev = dev;')
    w.blank()
    w.line('ret = pcim_enable_device(pdev);')
    w.if('ret', 'return ret;')
    w.line('pci_set_master(pdev);')
    w.blank()
    w.comment(`What ${d.name} can address and how it takes scatter-gather segments: the DMA layer maps, merges and bounces by these.`)
    const set = (step: DriverStep) => dmaSetExpr(dmaSetCall(step), 'dev')
    w.line(`ret = ${set({ op: 'set-dma-mask', bits: d.dmaMask })};`)
    w.if('ret', `return dev_err_probe(dev, ret, "no ${d.dmaMask}-bit DMA mask\\n");`)
    w.line(`${set({ op: 'set-max-segment-size', bytes: d.maxSegmentSize })};`)
    w.line(`${set({ op: 'set-segment-boundary', mask: d.segmentBoundary })};`)
    if (d.minAlignMask !== 0) w.line(`${set({ op: 'set-min-align-mask', mask: d.minAlignMask })};`)
    w.blank()
    if (engine !== undefined) {
      w.line(`ret = dmaplan_engine_init(&pd->engine, pdev, &pd->${n.bufField(engine.scratch)}, ${m.bufs.length}, ${glue.paged.length});`)
      w.if('ret', 'return ret;')
      for (const t of glue.paged) w.line(`dmaplan_engine_pages(&pd->engine, &pd->${n.txField(t.name)}.tx);`)
    }
    if (blk) {
      w.line('ret = dmaplan_queue_init(&pd->queue, &lim);')
      w.if('ret', 'return ret;')
    }
    w.line(`ret = ${n.fn('alloc')}(pd);`)
    w.if('ret', blk ? 'goto err_queue;' : 'return ret;')
    if (engine !== undefined) for (const b of m.bufs) if (b.alloc !== 'coherent') w.line(`dmaplan_engine_track(&pd->engine, &pd->${n.bufField(b.name)});`)
    w.line(`ret = ${n.fn('run')}(pd);`)
    if (engine !== undefined) w.line('dmaplan_engine_status(&pd->engine, ret);')
    w.if('ret', 'goto err_free;')
    w.line('pci_set_drvdata(pdev, pd);')
    w.line('return 0;')
    w.blank()
    w.label('err_free')
    w.line(`${n.fn('free')}(pd);`)
    if (blk) {
      w.label('err_queue')
      w.line('dmaplan_queue_exit(&pd->queue);')
    }
    w.line('return ret;')
  })
  w.blank()
  w.fn({ head: `static void ${n.fn('remove')}`, params: ['struct pci_dev *pdev'] }, () => {
    w.assign(`${n.dev} *pd`, 'pci_get_drvdata(pdev)')
    w.blank()
    if (m.kept.length > 0) w.line(`${n.fn('release')}(pd);`)
    w.line(`${n.fn('free')}(pd);`)
    if (blk) w.line('dmaplan_queue_exit(&pd->queue);')
  })
}

function driverObjects(w: CWriter, m: CodegenModel, n: Names, flavour: ModuleFlavour): void {
  const name = m.plan.name
  w.blank()
  if (flavour.pciIds.length === 0) w.comment(`The plan names no PCI IDs: bind a device with /sys/bus/pci/drivers/${n.module}/new_id.`)
  if (flavour.pciIds.length === 0) w.line(`static const struct pci_device_id ${n.fn('ids')}[] = { {} };`)
  else
    w.block(`static const struct pci_device_id ${n.fn('ids')}[] =`, () => {
      for (const id of flavour.pciIds) w.line(`{ ${id} },`)
      w.line('{}')
    }, ';')
  w.line(`MODULE_DEVICE_TABLE(pci, ${n.fn('ids')});`)
  w.blank()
  w.block(`static struct pci_driver ${n.fn('driver')} =`, () => {
    w.line('.name = KBUILD_MODNAME,')
    w.line(`.id_table = ${n.fn('ids')},`)
    w.line(`.probe = ${n.fn('probe')},`)
    w.line(`.remove = ${n.fn('remove')},`)
  }, ';')
  w.line(`module_pci_driver(${n.fn('driver')});`)
  w.blank()
  w.call('MODULE_DESCRIPTION', [`"DMA plan ${name}, generated by dmaplan"`], ');')
  w.line('MODULE_LICENSE("GPL");')
}
