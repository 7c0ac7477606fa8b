/**
 * The pseudo target: the generated driver's logic in plain words and
 * pseudo-code (<plan>.md), for review and documentation. It renders the same
 * model as the module target, through the parts' own pseudo-code, so the
 * calls, their order and the unwinding are the ones in the C.
 */
import { describeBuf, describeDevice, describePlatform, describeTx, dirMacro, hexOf, noSyncReason, syncable } from '../../describe.js'
import { dmaSetCall, dmaSetExpr } from '../../dma-set.js'
import type { Action, CodegenModel, SliceModel, TxModel } from '../../model.js'
import type { PseudoSite } from '../../parts/part.js'
import { attrsExpr } from '../../parts/part.js'
import type { GenerateOptions } from '../../options.js'
import { unreachable } from '../../../plan/unreachable.js'

export function renderPseudo(m: CodegenModel, _options: GenerateOptions): Map<string, string> {
  const out: string[] = []
  out.push(`# ${m.plan.name}: DMA plan for ${m.device.name}`, '')
  out.push(`Platform: ${describePlatform(m.platform)}.`, '')
  out.push(`Device ${describeDevice(m.device)}.`, '')
  out.push(
    'The driver sets the device\'s DMA mask, maximum segment size, segment boundary and min_align_mask, allocates the memory below, runs the steps in order, and unmaps what the plan keeps when it is unbound. A failing step undoes what is mapped, latest first, and fails the probe.',
    '',
  )
  if (m.bufs.length > 0) {
    out.push('## Memory', '')
    for (const b of m.bufs) out.push(`- ${describeBuf(b)}${allocNote(b.alloc)}`)
    out.push('')
  }
  if (m.txs.length > 0) {
    out.push('## Transactions', '')
    for (const t of m.txs) out.push(...transaction(m, t))
  }
  out.push('## Steps', '')
  m.actions.forEach((a, i) => out.push(...step(m, a, i + 1)))
  if (m.kept.length > 0) out.push('', `At unbind: unmap ${m.kept.map((t) => t.name).join(', ')}.`)
  return new Map([[`${m.plan.name}.md`, `${out.join('\n').replace(/\n+$/, '')}\n`]])
}

function allocNote(alloc: string): string {
  switch (alloc) {
    case 'shared':
      return ' (allocated, then shared with the host: set_memory_decrypted())'
    case 'p2p':
      return ' (pci_alloc_p2pmem() from the peer named by its module parameter)'
    case 'coherent':
      return ' (dma_alloc_coherent() when its transaction maps)'
    default:
      return ''
  }
}

function site(m: CodegenModel, t: TxModel, s: SliceModel): PseudoSite {
  return {
    slice: s,
    txm: t,
    bufs: t.bufs.slice(s.first, s.first + s.count),
    dir: dirMacro(t.dir),
    attrs: attrsExpr(s.attrs),
    kernel: m.kernel,
  }
}

function code(lines: readonly string[]): string[] {
  return ['```', ...lines, '```', '']
}

/** A block inside a numbered list item. */
function indented(lines: readonly string[]): string[] {
  return lines.map((l) => (l === '' ? l : `   ${l}`))
}

function transaction(m: CodegenModel, t: TxModel): string[] {
  const out = [`### ${describeTx(t)}`, '']
  const single = t.slices.length === 1
  out.push(`Segment table: ${t.segs} entries.`, '')
  const map: string[] = []
  const unmap: string[] = []
  t.slices.forEach((s, i) => {
    const head = `${s.field} = ${t.bufs.slice(s.first, s.first + s.count).map((b) => b.name).join(', ')}: ${s.part.summary}`
    const body = s.part.map.pseudo(site(m, t, s))
    if (single) map.push(`# ${head}`, ...body)
    else {
      map.push(`${head}:`, ...body.map((l) => `    ${l}`))
      if (i > 0) map.push(`    on failure: unmap ${t.slices.slice(0, i).reverse().map((x) => x.field).join(', ')}; fail`)
    }
  })
  for (const s of [...t.slices].reverse()) {
    const body = s.part.unmap.pseudo(site(m, t, s))
    if (single) unmap.push(...body)
    else unmap.push(`${s.field}:`, ...body.map((l) => `    ${l}`))
  }
  out.push(`Map ${t.name}:`, '', ...code(map), `Unmap ${t.name}:`, '', ...code(unmap))
  return out
}

function step(m: CodegenModel, a: Action, i: number): string[] {
  const undo = (cleanup: readonly TxModel[]) =>
    cleanup.length === 0 ? 'on failure: fail the probe' : `on failure: unmap ${cleanup.map((t) => t.name).join(', ')}; fail the probe`
  switch (a.op) {
    case 'map':
      return [`${i}. Map ${a.tx.name} (${undo(a.cleanup)}).`]
    case 'device':
      return [`${i}. The device ${a.write ? 'writes' : 'reads'} ${a.buf.name}: bytes ${hexOf(a.offset)}..${hexOf(a.offset + a.bytes)} of ${a.tx.name}'s DMA view.`]
    case 'cpu':
      return [`${i}. The CPU ${a.write ? 'writes' : 'reads'} bytes ${hexOf(a.offset)}..${hexOf(a.offset + a.bytes)} of ${a.buf.name}.`]
    case 'sync': {
      const which = a.buf !== undefined ? ` (${a.buf.name})` : ''
      const slices = a.tx.slices.filter(syncable)
      const to = a.to === 'cpu' ? 'CPU' : 'device'
      if (slices.length === 0) return [`${i}. Sync ${a.tx.name} for the ${to}${which}: nothing to do, ${noSyncReason(a.tx)}.`]
      const lines = slices.flatMap((s) => s.part.sync?.pseudo(site(m, a.tx, s), a.to, a.first, a.count) ?? [])
      return [`${i}. Sync ${a.tx.name} for the ${to}${which}:`, '', ...indented(code(lines))]
    }
    case 'fault':
    case 'invalidate': {
      const s = a.tx.slices.find((x) => x.part.pages !== undefined)
      const lines = s?.part.pages?.pseudo(site(m, a.tx, s), a.op, a.index) ?? []
      const what = a.op === 'fault' ? `Fault page ${a.index} of ${a.tx.name} in (${undo(a.cleanup)})` : `Invalidate page ${a.index} of ${a.tx.name}`
      return [`${i}. ${what}:`, '', ...indented(code(lines))]
    }
    case 'unlink': {
      const s = a.tx.slices.find((x) => a.index >= x.first && a.index < x.first + x.count)
      const lines = s?.part.unlink?.pseudo(site(m, a.tx, s), a.index) ?? []
      return [`${i}. Unlink ${a.buf.name} from ${a.tx.name}:`, '', ...indented(code(lines))]
    }
    case 'unmap':
      return [`${i}. Unmap ${a.tx.name}.`]
    case 'keep':
      return [`${i}. Keep ${a.tx.name} mapped until the driver is unbound.`]
    case 'dma-set': {
      const call = dmaSetCall(a.step)
      return [`${i}. ${dmaSetExpr(call, 'dev')}${call.fallible ? ` (${undo(a.cleanup)})` : ''}.`]
    }
    case 'wait':
      return [`${i}. Wait ${a.ms} ms (fsleep).`]
    default:
      return unreachable(a)
  }
}
