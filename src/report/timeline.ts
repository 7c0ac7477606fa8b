/**
 * The plan's steps in order, one compact row each: what the step did
 * (mapped, accessed, synced, unmapped ...), which transaction and which
 * bytes of which region, and the findings and data errors the result ties
 * to it (their `step`). A step whose op this file does not know (a later
 * driver step such as set-dma-mask) is printed as its op and its fields.
 *
 * Each row also names the kernel calls the step made (a call records its
 * step), the driver steps' dma_set_*() among them; the calls' arguments are
 * in each transaction's table under its picture.
 */
import type { Plan, Step } from '../plan/ir.js'
import { unreachable } from '../plan/unreachable.js'
import type { SimResult } from '../sim/result/schema.js'
import { esc } from './escape.js'
import { hex } from './hex.js'

/** The words for each op the plan's type lists; an op not here is printed as its fields. */
const VERB: Readonly<Record<string, string>> = {
  map: 'map',
  'device-read': 'device reads',
  'device-write': 'device writes',
  'cpu-read': 'CPU reads',
  'cpu-write': 'CPU writes',
  'sync-for-cpu': 'sync for CPU',
  'sync-for-device': 'sync for device',
  'hmm-fault': 'HMM fault',
  'hmm-invalidate': 'HMM invalidate',
  unlink: 'unlink',
  unmap: 'unmap',
  keep: 'keep mapped',
  wait: 'wait',
  'set-dma-mask': 'set DMA mask',
  'set-segment-boundary': 'set segment boundary',
  'set-max-segment-size': 'set max segment size',
  'set-min-align-mask': 'set min_align_mask',
}

const bytes = (region: string, offset: bigint, len: bigint): string => `${region} [${hex(offset)}, ${hex(offset + len)})`

/** A field's value as text: bigints in hex, lists joined, objects as JSON with bigints in hex. */
function fieldText(v: unknown): string {
  if (typeof v === 'bigint') return hex(v)
  if (Array.isArray(v)) return `[${v.map(fieldText).join(', ')}]`
  if (v !== null && typeof v === 'object') return `{${Object.entries(v as Record<string, unknown>).map(([k, x]) => `${k}: ${fieldText(x)}`).join(', ')}}`
  return String(v)
}

/** Every field but the op and the source location, for a step this file does not know. */
function genericFields(step: Readonly<Record<string, unknown>>): string {
  return Object.entries(step)
    .filter(([k]) => k !== 'op' && k !== 'at')
    .map(([k, v]) => `${k}=${fieldText(v)}`)
    .join(', ')
}

/** What a step touched: its transaction (if any) and, in words, which bytes. */
export function stepWhat(step: Step, plan: Plan): { tx: string | undefined; what: string } {
  const size = (name: string): string => {
    const r = plan.regions.find((x) => x.name === name)
    return r !== undefined ? bytes(name, 0n, r.bytes) : name
  }
  // An op the plan's type does not list yet (a plan of a later version): its fields as they are.
  if (!Object.hasOwn(VERB, step.op)) {
    const g = step as unknown as Readonly<Record<string, unknown>>
    return { tx: typeof g['tx'] === 'string' ? g['tx'] : undefined, what: genericFields(g) }
  }
  switch (step.op) {
    case 'map':
      return { tx: step.tx, what: `${step.strategy}: ${step.regions.map(size).join(', ')}` }
    case 'device-read':
    case 'device-write':
      return { tx: step.tx, what: bytes(step.region, step.offset, step.bytes) }
    case 'cpu-read':
    case 'cpu-write':
      return { tx: undefined, what: bytes(step.region, step.offset, step.bytes) }
    case 'sync-for-cpu':
    case 'sync-for-device':
      return { tx: step.tx, what: step.region !== undefined ? size(step.region) : 'the whole transaction' }
    case 'hmm-fault':
    case 'hmm-invalidate':
      return { tx: step.tx, what: `mirror page ${step.index}` }
    case 'unlink':
      return { tx: step.tx, what: size(step.region) }
    case 'unmap':
    case 'keep':
      return { tx: step.tx, what: 'the whole transaction' }
    case 'wait':
      return { tx: undefined, what: `${step.ms} ms${step.fqTimer ? ', flush queue timer ran' : ''}` }
    case 'set-dma-mask':
      return { tx: undefined, what: `DMA_BIT_MASK(${step.bits})` }
    case 'set-segment-boundary':
      return { tx: undefined, what: hex(step.mask) }
    case 'set-max-segment-size':
      return { tx: undefined, what: hex(BigInt(step.bytes)) }
    case 'set-min-align-mask':
      return { tx: undefined, what: hex(BigInt(step.mask)) }
    default:
      return unreachable(step)
  }
}

/** How many calls a step shows by name before it says how many more it made. */
const SHOWN_CALLS = 6

/** The kernel calls each step made, in order: a folded loop once, with its count. */
function callsByStep(r: SimResult): Map<number, string[]> {
  const by = new Map<number, { seq: number; text: string }[]>()
  for (const c of [...r.transactions.flatMap((t) => t.calls), ...r.driverCalls]) {
    if (c.step === undefined) continue
    const text = `${c.fn}${c.repeat !== undefined ? ` ×${c.repeat.count}` : ''}${c.errno !== undefined ? ` ${c.errno}` : ''}`
    by.set(c.step, [...(by.get(c.step) ?? []), { seq: c.seq, text }])
  }
  return new Map([...by].map(([step, calls]) => [step, calls.sort((a, b) => a.seq - b.seq).map((c) => c.text)]))
}

function callsText(calls: readonly string[]): string {
  if (calls.length <= SHOWN_CALLS) return calls.join(', ')
  return `${calls.slice(0, SHOWN_CALLS).join(', ')} and ${calls.length - SHOWN_CALLS} more`
}

export function timelineSection(r: SimResult, plan: Plan, anchor: (tx: string) => string): string {
  const byStep = callsByStep(r)
  const rows = plan.steps.map((step, i) => {
    const { tx, what } = stepWhat(step, plan)
    const found = r.findings.map((f, n) => ({ f, n })).filter(({ f }) => f.step === i)
    const wrong = r.data.errors.filter((e) => e.step === i)
    const cls = found.some(({ f }) => f.severity === 'error') || wrong.length ? 'error' : found.length ? 'warning' : ''
    const notes = [
      ...found.map(({ f, n }) => `<a href="#finding-${n}">${esc(f.severity)} ${esc(f.id)}</a>`),
      ...wrong.map((e) => `wrong data: ${e.mismatches} byte${e.mismatches === 1 ? '' : 's'} of ${esc(e.region)}`),
    ].join(', ')
    const op: string = step.op
    return `<tr class="${cls}" data-kind="step" data-step="${i}" data-op="${esc(op)}"${tx !== undefined ? ` data-tx="${esc(tx)}"` : ''}><td class="num">${i + 1}</td><td class="nowrap">${esc(VERB[op] ?? op)}</td><td>${tx !== undefined ? `<a href="#${anchor(tx)}">${esc(tx)}</a>` : ''}</td><td class="mono">${esc(what)}</td><td class="mono">${esc(callsText(byStep.get(i) ?? []))}</td><td>${notes}</td></tr>`
  })
  return `<section id="timeline" data-kind="timeline" data-steps="${plan.steps.length}"><h2>Steps (${plan.steps.length})</h2>
<p class="sub">The plan's steps in order, with the bytes each touched ([start, end) of the region), the kernel calls it made and what the checks said at that step. Each call's arguments are in its transaction's table, under the picture.</p>
<div class="scroll"><table><thead><tr><th>#</th><th>step</th><th>transaction</th><th>bytes</th><th>kernel calls</th><th>findings</th></tr></thead><tbody>${rows.join('')}</tbody></table></div></section>`
}
