/**
 * The HTML page around the pictures: the platform and device, the legend,
 * every finding, the data check, and per transaction its picture and the
 * tables a kernel developer checks it against (scatterlist, regions, what
 * the kernel did, the calls). Nothing in it depends on time or locale.
 */
import type { Plan } from '../plan/ir.js'
import type { SimKernelCall, SimResult, TransactionResult } from '../sim/result/schema.js'
import { swiotlbPool } from '../sim/result/layout/index.js'
import { esc } from './escape.js'
import { hex, human } from './hex.js'
import { legend, sharedDefs } from './legend.js'
import { txModel } from './model.js'
import type { TxModel } from './model.js'
import type { ReportOptions } from './options.js'
import { txPicture } from './picture/picture.js'
import { STYLE } from './style.js'
import { timelineSection } from './timeline.js'
import { descriptor } from '../strategies/index.js'

/** Table rows past this are summarised (a million-page HMM mirror folds into runs, but a list can still be long). */
const MAX_ROWS = 256

const badge = (cls: string, label: string): string => `<span class="badge ${esc(cls)}">${esc(label)}</span>`

const anchor = (tx: string): string => `tx-${tx.replace(/[^A-Za-z0-9_-]/g, '_')}`

function kernelDir(dir: TransactionResult['dir']): string {
  return { 'to-device': 'DMA_TO_DEVICE', 'from-device': 'DMA_FROM_DEVICE', bidirectional: 'DMA_BIDIRECTIONAL' }[dir]
}

/** The header: the verdict, what was simulated on what, and links to the transactions (their pictures come right after it, on the first screen). */
function header(r: SimResult, plan: Plan, o: ReportOptions, toc: string): string {
  const problems = r.findings.filter((f) => f.severity === 'error').length + r.data.errors.length
  const p = r.platform
  const iommu =
    p.iommu === 'translated'
      ? `translating IOMMU, granule ${human(p.granule)}, ${p.flush} IOTLB flush`
      : p.iommu === 'passthrough'
        ? 'IOMMU in passthrough (identity)'
        : 'no IOMMU'
  const pool = swiotlbPool(r)
  const sw = pool ? `pool at ${hex(pool.start)}, ${pool.slots} slots of ${human(pool.slotSize)} (${human(pool.end - pool.start)})${p.swiotlb?.force ? ', swiotlb=force' : ''}` : 'none'
  const d = r.device
  const fi = r.faultInjection
  const injected = [
    fi.failAtCall !== undefined ? `fail at fallible call ${fi.failAtCall}${fi.injectedCallSeq !== undefined ? ` (kernel call #${fi.injectedCallSeq} failed)` : ' (never reached)'}` : '',
    fi.exhaustIova ? 'IOVA space exhausted' : '',
    fi.swiotlbFull ? 'swiotlb full' : '',
    fi.p2pUnsupported ? 'P2P not supported' : '',
  ].filter((s) => s !== '')
  const ram = p.ram.map((x) => `${hex(BigInt(x.start))}-${hex(BigInt(x.end) - 1n)}`).join(', ')
  const rows: [string, string][] = [
    ['kernel', `Linux ${r.kernel}`],
    ['IOMMU', iommu],
    ['swiotlb', sw],
    ['System RAM', ram],
    ['guest', p.coco ? 'confidential (private memory is encrypted; streaming DMA bounces)' : 'not confidential'],
    [
      'device',
      `${d.name} ${d.bdf}, ${d.path === 'iommu' ? 'IOMMU-DMA (dma-iommu)' : 'dma-direct'}, DMA mask ${d.dmaMask}${d.coherent ? ', coherent' : ', not coherent'}${d.untrusted ? ', untrusted (external-facing)' : ''}`,
    ],
    ...(o.source !== undefined ? ([['plan file', o.source]] as [string, string][]) : []),
    ...(injected.length ? ([['fault injection', injected.join('; ')]] as [string, string][]) : []),
    ...(o.note !== undefined ? ([['note', o.note]] as [string, string][]) : []),
  ]
  return `<header data-kind="header" data-plan="${esc(r.plan)}" data-ok="${r.ok}">
<h1>${esc(o.title ?? `dmaplan mapping report: ${r.plan}`)} ${r.ok ? badge('ok', 'OK') : badge('bad', `${problems} problem${problems === 1 ? '' : 's'}`)}</h1>
<div class="sub">plan <code>${esc(plan.name)}</code>: ${r.transactions.length} transaction${r.transactions.length === 1 ? '' : 's'}, <a href="#findings">${r.findings.length} finding${r.findings.length === 1 ? '' : 's'}</a>, <a href="#data">${r.data.checks} read${r.data.checks === 1 ? '' : 's'} checked</a>${r.aborted ? `; aborted: ${esc(r.aborted)}` : ''}; <a href="#legend">how to read the pictures</a></div>
<dl class="facts">${rows.map(([k, v]) => `<dt>${esc(k)}</dt><dd>${esc(v)}</dd>`).join('')}</dl>
${toc}
</header>`
}

function findingsSection(r: SimResult): string {
  if (r.findings.length === 0) return `<section id="findings" data-kind="findings" data-count="0"><h2>Findings</h2><p class="sub">No findings: dma-debug, the IOMMU and dmaplan's own checks saw nothing wrong.</p></section>`
  const rows = r.findings
    .map(
      (f, i) =>
        `<tr class="${esc(f.severity)}" id="finding-${i}" data-kind="finding" data-id="finding/${i}" data-severity="${esc(f.severity)}" data-code="${esc(f.id)}" data-source="${esc(f.source)}"${f.tx !== undefined ? ` data-tx="${esc(f.tx)}"` : ''}${f.step !== undefined ? ` data-step="${f.step}"` : ''}><td class="sev">${esc(f.severity)}</td><td><code>${esc(f.id)}</code></td><td>${esc(f.source)}</td><td>${f.tx !== undefined ? `<a href="#${anchor(f.tx)}">${esc(f.tx)}</a>` : ''}</td><td class="num">${f.step !== undefined ? f.step + 1 : ''}</td><td>${esc(f.message)}</td></tr>`,
    )
    .join('\n')
  return `<section id="findings" data-kind="findings" data-count="${r.findings.length}"><h2>Findings (${r.findings.length})</h2>
<div class="scroll"><table><thead><tr><th>severity</th><th>id</th><th>reported by</th><th>transaction</th><th>step</th><th>message</th></tr></thead><tbody>
${rows}
</tbody></table></div></section>`
}

function dataErrorsTable(errors: SimResult['data']['errors']): string {
  if (errors.length === 0) return ''
  return `<div class="scroll"><table><thead><tr><th>step</th><th>read</th><th>transaction</th><th>region</th><th>offset</th><th>bytes</th><th>wrong bytes</th><th>first at</th><th>expected</th><th>got</th></tr></thead><tbody>${errors
    .map(
      (e) =>
        `<tr class="error" data-kind="data-error" data-step="${e.step}" data-region="${esc(e.region)}"${e.tx !== undefined ? ` data-tx="${esc(e.tx)}"` : ''}><td class="num">${e.step + 1}</td><td>${esc(e.op)}</td><td>${esc(e.tx ?? '')}</td><td>${esc(e.region)}</td><td class="addr">${esc(e.offset)}</td><td class="addr">${esc(e.bytes)}</td><td class="num">${e.mismatches}</td><td class="addr">${esc(e.firstMismatch)}</td><td class="num">0x${e.expected.toString(16).padStart(2, '0')}</td><td class="num">0x${e.got.toString(16).padStart(2, '0')}</td></tr>`,
    )
    .join('')}</tbody></table></div>`
}

function dataSection(r: SimResult): string {
  const d = r.data
  const verdict = d.checks === 0 ? 'no read to check' : d.errors.length === 0 ? 'every read saw the bytes the plan expects' : `${d.errors.length} read${d.errors.length === 1 ? '' : 's'} saw wrong bytes`
  return `<section id="data" data-kind="data-check" data-checks="${d.checks}" data-errors="${d.errors.length}"><h2>Data check ${d.errors.length ? badge('error', 'wrong data') : d.checks ? badge('ok', 'as expected') : ''}</h2>
<p class="sub">${d.checks} read${d.checks === 1 ? '' : 's'} compared with what the plan wrote: ${esc(verdict)}.</p>${dataErrorsTable(d.errors)}</section>`
}

function argsText(args: SimKernelCall['args']): string {
  return Object.entries(args)
    .map(([k, v]) => `${k}=${v === null ? 'NULL' : String(v)}`)
    .join(', ')
}

function callsTable(t: TransactionResult): string {
  const total = t.calls.reduce((n, c) => n + (c.repeat?.count ?? 1), 0)
  const open = t.status === 'failed' || t.calls.some((c) => c.injected === true || c.errno !== undefined)
  const rows = t.calls
    .slice(0, MAX_ROWS)
    .map((c) => {
      const cls = c.injected ? 'injected' : c.errno !== undefined ? 'failed' : ''
      const ret = c.ret === null ? 'void' : String(c.ret)
      const rep = c.repeat ? ` <span class="sub">x${c.repeat.count}, last: ${esc(argsText(c.repeat.lastArgs))} = ${esc(String(c.repeat.lastRet))}</span>` : ''
      return `<tr class="${cls}" data-kind="call" data-seq="${c.seq}" data-fn="${esc(c.fn)}"><td class="num">${c.seq}</td><td><code>${esc(c.fn)}</code>(${esc(argsText(c.args))})${rep}</td><td class="addr">${esc(ret)}</td><td>${c.errno !== undefined ? `<code>${esc(c.errno)}</code>` : ''}${c.injected ? ' injected' : ''}</td></tr>`
    })
    .join('')
  const more = t.calls.length > MAX_ROWS ? `<p class="sub">... ${t.calls.length - MAX_ROWS} more records.</p>` : ''
  return `<details${open ? ' open' : ''}><summary>Kernel calls (${total})</summary><div class="scroll"><table><thead><tr><th>#</th><th>call</th><th>returned</th><th>error</th></tr></thead><tbody>${rows}</tbody></table></div>${more}</details>`
}

function segmentsTable(m: TxModel): string {
  if (m.segments.length === 0) return `<div><h3>Scatter-gather list</h3><p class="sub">empty</p></div>`
  // A run of equal, contiguous entries is one row: its entries' numbers and how many.
  const rows = m.segments
    .slice(0, MAX_ROWS)
    .map((s) => {
      const n = s.repeat ?? 1
      const each = s.len / BigInt(n)
      return `<tr><td class="num">${n > 1 ? `${s.index}..${s.index + n - 1}` : s.index}</td><td class="addr">${hex(s.dma)}</td><td class="addr">${hex(each)}${n > 1 ? ` × ${n}` : ''}</td><td class="nowrap">${esc(human(each))}</td><td>${esc({ iova: 'IOVA', bus: 'PCI bus address', phys: 'physical', swiotlb: 'swiotlb slot' }[s.addr])}</td>${m.view.mirror ? `<td class="num">${s.first}..${s.first + s.entries - 1}</td>` : ''}</tr>`
    })
    .join('')
  const entries = m.segments.reduce((k, s) => k + (s.repeat ?? 1), 0)
  const shown = m.segments.slice(0, MAX_ROWS).reduce((k, s) => k + (s.repeat ?? 1), 0)
  const more = entries > shown ? `<p class="sub">... ${entries - shown} more entries.</p>` : ''
  return `<div><h3>Scatter-gather list (${entries} entr${entries === 1 ? 'y' : 'ies'})</h3><table><thead><tr><th>#</th><th>DMA address</th><th>length</th><th></th><th>address is</th>${m.view.mirror ? '<th>mirror pages</th>' : ''}</tr></thead><tbody>${rows}</tbody></table>${more}</div>`
}

function addressTables(m: TxModel): string {
  const out: string[] = []
  if (m.iova.length > 0) {
    const rows = m.iova
      .slice(0, MAX_ROWS)
      .map(
        (r) =>
          `<tr><td class="addr">${hex(r.start)}</td><td class="addr">${hex(r.len)}</td><td class="num">${r.granules}</td><td>${r.call !== undefined ? `<code>${esc(r.call)}()</code>` : ''}</td></tr>`,
      )
      .join('')
    out.push(
      `<div><h3>IOVA ranges</h3><table><thead><tr><th>IOVA</th><th>length</th><th>granules</th><th>from</th></tr></thead><tbody>${rows}</tbody></table><p class="sub">${m.tx.counters.iovaPages} granule${m.tx.counters.iovaPages === 1 ? '' : 's'} allocated in all (the allocator rounds small sizes up to a power of two).</p></div>`,
    )
  }
  if (m.bounce.length > 0) {
    const rows = m.bounce
      .slice(0, MAX_ROWS)
      .map((b) => `<tr><td class="num">${b.slot}..${b.slot + b.slots - 1}</td><td class="addr">${hex(b.start)}</td><td class="addr">${hex(b.len)}</td></tr>`)
      .join('')
    out.push(`<div><h3>swiotlb slots</h3><table><thead><tr><th>slots</th><th>physical</th><th>length</th></tr></thead><tbody>${rows}</tbody></table></div>`)
  }
  return out.join('')
}

function regionsTable(m: TxModel): string {
  const rows = m.regions
    .map(
      (r) =>
        `<tr><td><code>${esc(r.region)}</code></td><td>${esc(r.kind)}${r.provider !== undefined ? ` (${esc(r.provider)})` : ''}</td><td class="addr">${hex(r.phys)}</td><td class="addr">${hex(r.bytes)}</td><td>${r.placed === 'plan' ? 'plan' : 'model'}</td></tr>`,
    )
    .join('')
  return `<div><h3>Regions</h3><table><thead><tr><th>region</th><th>memory</th><th>physical</th><th>length</th><th>placed by</th></tr></thead><tbody>${rows}</tbody></table></div>`
}

function countersList(t: TransactionResult): string {
  const c = t.counters
  const rows: [string, string][] = [
    ['IOVA granules allocated', String(c.iovaPages)],
    ['IOMMU page-table writes', String(c.pteWrites)],
    ['IOTLB syncs / full flushes', `${c.iotlbSyncs} / ${c.iotlbFlushAll}`],
    ['iommu_sync_map()', String(c.syncMaps)],
    ['bounce slots', `${c.bounceSlots} (${c.bounceBytesToDevice} B copied in, ${c.bounceBytesToCpu} B copied out)`],
    ['cache maintenance', String(c.cacheMaintenance)],
    ['metadata', `${t.metadataBytes} B${t.stateBytes ? `, per-page state ${t.stateBytes} B` : ''}`],
    ['data check', `${t.data.checks} read${t.data.checks === 1 ? '' : 's'}${t.data.errors.length ? `, ${t.data.errors.length} wrong` : t.data.checks ? ', as expected' : ''}`],
  ]
  return `<div><h3>What the kernel did</h3><dl class="facts" data-kind="counters" data-tx="${esc(t.name)}">${rows.map(([k, v]) => `<dt>${esc(k)}</dt><dd class="mono">${esc(v)}</dd>`).join('')}</dl></div>`
}

function txSection(r: SimResult, m: TxModel): string {
  const t = m.tx
  const own = r.findings.map((f, i) => ({ f, i })).filter(({ f }) => f.tx === t.name)
  const refs = own.length
    ? `<p class="sub">Findings: ${own.map(({ f, i }) => `<a href="#finding-${i}">${esc(f.severity)} ${esc(f.id)}</a>`).join(', ')}</p>`
    : ''
  const notes = m.notes.map((n) => `<p class="note${t.status === 'failed' && n.startsWith('The mapping failed') ? ' failed' : ''}">${esc(n)}</p>`).join('')
  return `<section class="tx" id="${anchor(t.name)}" data-kind="transaction" data-tx="${esc(t.name)}" data-status="${esc(t.status)}" data-strategy="${esc(t.strategy)}">
<h2>transaction <code>${esc(t.name)}</code> ${badge('plain', t.strategy)} ${badge(t.status, t.status)}</h2>
<p class="sub" data-kind="strategy-legend">strategy ${esc(descriptor(t.strategy).summary)}</p>
<div class="sub"><code>${esc(kernelDir(t.dir))}</code>${t.attrs.length ? ` <code>${esc(t.attrs.join(' | '))}</code>` : ''}; path: ${esc(t.path)}${t.error ? `; <strong>${esc(t.error)}</strong>` : ''}</div>
<div class="picture">${txPicture(r, m)}</div>
${notes}${refs}
<div class="grid">${segmentsTable(m)}${regionsTable(m)}${addressTables(m)}${countersList(t)}</div>
${dataErrorsTable(t.data.errors)}
${callsTable(t)}
</section>`
}

function teardownSection(r: SimResult): string {
  const t = r.teardown
  const facts: [string, string][] = [
    ['IOVA granules still allocated', String(t.liveIovaPages)],
    ['freed IOVA ranges in the rcache / flush queue', `${t.cachedIovaRanges} / ${t.queuedIovaRanges}`],
    ['live IOMMU PTEs', String(t.livePtes)],
    ['bounce slots in use', String(t.bounceSlots)],
    ['dma-debug entries', String(t.dmaDebugEntries)],
    ['kept transactions', t.keptTransactions.length ? t.keptTransactions.join(', ') : 'none'],
  ]
  const log = r.dmesg.length ? `<h3>Kernel log</h3><pre>${r.dmesg.map((l) => esc(l)).join('\n')}</pre>` : ''
  return `<section id="teardown" data-kind="teardown"><h2>After the plan</h2><dl class="facts">${facts.map(([k, v]) => `<dt>${esc(k)}</dt><dd class="mono">${esc(v)}</dd>`).join('')}</dl>${log}</section>`
}

export function renderPage(result: SimResult, plan: Plan, options: ReportOptions): string {
  const models = result.transactions.map((t) => txModel(result, plan, t))
  const title = options.title ?? `dmaplan mapping report: ${result.plan}`
  const toc = result.transactions.length
    ? `<div class="sub">Transactions: ${result.transactions.map((t) => `<a href="#${anchor(t.name)}">${esc(t.name)}</a> ${badge(t.status, t.status)}`).join(' ')}</div>`
    : ''
  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="generator" content="dmaplan">
<title>${esc(title)}</title>
<style>${STYLE}</style>
</head>
<body>
${sharedDefs()}
${header(result, plan, options, toc)}
${models.map((m) => txSection(result, m)).join('\n')}
${timelineSection(result, plan, anchor)}
<section id="legend"><h2>How to read the pictures</h2><p class="sub">Each transaction is drawn from the CPU's side (top) to the device's (bottom). Addresses are exact 64-bit hex; each axis is linear between its breaks. Hover over a box or link for its exact range.</p>${legend()}</section>
${findingsSection(result)}
${dataSection(result)}
${teardownSection(result)}
<footer>dmaplan ${esc(result.format)} result of plan ${esc(result.plan)}, simulated on Linux ${esc(result.kernel)}; the pictures show each mapping while it was live.</footer>
</body>
</html>
`
}
