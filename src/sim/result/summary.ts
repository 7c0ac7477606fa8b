/**
 * The readable form of a result: what `dmaplan simulate` prints by default.
 * One block per transaction (path, calls, the device's scatter-gather list,
 * what the kernel did, the data check), then findings and the kernel log.
 */
import type { SimResult, TransactionResult } from './schema.js'
import { expandSegments, segmentCount } from './segments.js'

const MAX_SEGMENTS = 8
const MAX_CALLS = 12

function bytes(hex: string | number): string {
  const n = typeof hex === 'number' ? hex : Number(BigInt(hex))
  if (n >= 2 ** 30 && n % 2 ** 30 === 0) return `${n / 2 ** 30} GiB`
  if (n >= 2 ** 20 && n % 2 ** 20 === 0) return `${n / 2 ** 20} MiB`
  if (n >= 1024 && n % 1024 === 0) return `${n / 1024} KiB`
  return `${n} B`
}

function tx(t: TransactionResult): string[] {
  const out: string[] = []
  out.push(
    `transaction ${t.name} (${t.strategy}, ${t.dir}${t.attrs.length ? `, ${t.attrs.join('|')}` : ''}): ${t.status}${t.error ? ` - ${t.error}` : ''}; path ${t.path}`,
  )
  const calls = t.calls
    .slice(0, MAX_CALLS)
    .map((c) => `${c.fn}${c.repeat ? ` x${c.repeat.count}` : ''}${c.errno ? ` (${c.errno}${c.injected ? ', injected' : ''})` : ''}`)
  out.push(`  calls (${t.calls.reduce((n, c) => n + (c.repeat?.count ?? 1), 0)}): ${calls.join(', ')}${t.calls.length > MAX_CALLS ? ', ...' : ''}`)
  const segments = segmentCount(t.segments)
  if (segments) {
    out.push(`  device scatter-gather list (${segments} entr${segments === 1 ? 'y' : 'ies'}):`)
    for (const s of expandSegments(t.segments, MAX_SEGMENTS)) out.push(`    ${s.dma.padStart(18)}  len ${s.len}${s.entries > 1 ? ` (${s.entries} pages)` : ''}`)
    if (segments > MAX_SEGMENTS) out.push(`    ... ${segments - MAX_SEGMENTS} more`)
  }
  const c = t.counters
  out.push(
    `  IOVA pages ${c.iovaPages}, page-table writes ${c.pteWrites}, IOTLB syncs ${c.iotlbSyncs}, full flushes ${c.iotlbFlushAll}, bounce slots ${c.bounceSlots} (${c.bounceBytesToDevice} B in, ${c.bounceBytesToCpu} B out), cache maintenance ${c.cacheMaintenance}`,
  )
  out.push(
    `  metadata ${bytes(t.metadataBytes)}; data: ${t.data.checks} read(s) checked, ${t.data.errors.length ? `${t.data.errors.length} wrong` : 'all as expected'}`,
  )
  return out
}

export function formatSummary(r: SimResult): string {
  return `${[...summaryLines(r)].join('\n')}\n`
}

/** The summary in pieces of one or more lines (a transaction's block is one): a plan of 10^5 transactions is printed as it is written, never held as one text. */
export function* summaryLines(r: SimResult): Generator<string> {
  const lines: string[] = []
  const problems = r.findings.filter((f) => f.severity === 'error').length + r.data.errors.length
  lines.push(
    `dmaplan simulate: plan ${r.plan} on Linux ${r.kernel}: ${r.ok ? 'OK' : `${problems} problem${problems === 1 ? '' : 's'}`}${r.aborted ? ` (aborted: ${r.aborted})` : ''}`,
  )
  const sw = r.platform.swiotlb
    ? `swiotlb ${bytes(r.platform.swiotlb.slots * 2048)} at ${r.platform.swiotlb.base}${r.platform.swiotlb.force ? ' (forced)' : ''}`
    : 'no swiotlb'
  const iommu =
    r.platform.iommu === 'translated'
      ? `translating IOMMU (granule ${bytes(r.platform.granule)}, ${r.platform.flush})`
      : r.platform.iommu === 'passthrough'
        ? 'IOMMU in passthrough'
        : 'no IOMMU'
  lines.push(`platform: ${iommu}, ${sw}${r.platform.coco ? ', confidential guest' : ''}`)
  lines.push(
    `device: ${r.device.name} ${r.device.bdf} via ${r.device.path === 'iommu' ? 'IOMMU-DMA' : 'dma-direct'}, mask ${r.device.dmaMask}${r.device.coherent ? '' : ', not coherent'}${r.device.untrusted ? ', untrusted' : ''}`,
  )
  for (const reg of r.regions)
    lines.push(`region ${reg.name}: ${reg.kind} at ${reg.phys} (${bytes(reg.bytes)}${reg.placed === 'model' ? ', placed by the model' : ''})`)
  yield* lines.splice(0)
  for (const t of r.transactions) yield `\n${tx(t).join('\n')}`
  if (r.findings.length) {
    lines.push('', `findings (${r.findings.length}):`)
    for (const f of r.findings)
      lines.push(
        `  ${f.severity.padEnd(7)} ${f.id.padEnd(5)} ${f.tx ? `[${f.tx}${f.step !== undefined ? ` step ${f.step + 1}` : ''}] ` : f.step !== undefined ? `[step ${f.step + 1}] ` : ''}${f.message}`,
      )
  }
  // A plan whose time passes (an imported trace): its traffic's rate and the IOVA space it needed at most.
  if (r.clockMs > 0) {
    const maps = r.transactions.length
    lines.push(
      '',
      `traffic: ${maps} mapping(s) in ${(r.clockMs / 1000).toFixed(3)} s (${Math.round((maps * 1000) / r.clockMs)} per second)${r.platform.iommu === 'translated' ? `, peak IOVA footprint ${r.peakIovaGranules} granule(s)` : ''}`,
    )
  }
  const t = r.teardown
  const left = t.liveIovaPages + t.livePtes + t.bounceSlots + t.dmaDebugEntries
  lines.push(
    '',
    left === 0
      ? 'teardown: nothing left mapped'
      : `teardown: ${t.liveIovaPages} IOVA pages, ${t.livePtes} PTEs, ${t.bounceSlots} bounce slots, ${t.dmaDebugEntries} debug entries left${t.keptTransactions.length ? ` (kept: ${t.keptTransactions.join(', ')})` : ''}`,
  )
  if (r.dmesg.length) {
    lines.push('', 'kernel log:')
    for (const l of r.dmesg.slice(0, 20)) lines.push(`  ${l}`)
    if (r.dmesg.length > 20) lines.push(`  ... ${r.dmesg.length - 20} more lines`)
  }
  yield* lines
}
