/**
 * The one-line simulation summary a hover shows: the plan as saved is run by
 * `dmaplan simulate --json` in a process of its own, started when the
 * editor asks for a plan file's diagnostics and the plugin finds none (a
 * plan the rules refuse is not simulated), so that by the time the user
 * hovers the answer is there; a hover never waits for it. Results are kept
 * per file for the saved text they came from: an unsaved edit is not what
 * the simulator ran, and is said to be so rather than shown a stale answer.
 */
import { execFile } from 'node:child_process'
import { readFileSync } from 'node:fs'
import { dirname, join } from 'node:path'
import type { SimResult, TransactionResult } from '../sim/result/schema.js'
import { segmentCount } from '../sim/result/segments.js'
import { PACKAGE_ROOT } from '../runtime/package-root.js'

/** How `dmaplan simulate FILE --json` ended: its exit status and output. */
export interface SimulateExit {
  readonly status: number
  readonly stdout: string
  readonly stderr: string
}

export type SimulateRunner = (file: string) => Promise<SimulateExit>

/** Past this a plan's simulation is stopped; a hover says it took too long. */
const TIME_LIMIT_MS = 20_000

/** The command line of this installation, run by the Node that runs tsserver. */
export const runCommandLine: SimulateRunner = (file) =>
  new Promise((done) => {
    execFile(
      process.execPath,
      [join(PACKAGE_ROOT, 'bin', 'dmaplan.js'), 'simulate', file, '--json'],
      { cwd: dirname(file), timeout: TIME_LIMIT_MS, maxBuffer: 1 << 28, encoding: 'utf8', env: { ...process.env, NO_COLOR: '1' } },
      (error, stdout, stderr) => {
        const code = error === null ? 0 : typeof error.code === 'number' ? error.code : -1
        done({ status: error?.killed === true ? -1 : code, stdout, stderr })
      },
    )
  })

type Outcome = { readonly result: SimResult } | { readonly failed: string }

interface Entry {
  readonly text: string
  readonly run: Promise<void>
  outcome?: Outcome
}

/** What a hover is on: a transaction, a region, or the plan as a whole. */
export type SummaryTarget = { readonly tx: string } | { readonly region: string } | 'plan'

/** A plan file: it imports the DSL. */
const PLAN_IMPORT = /\bfrom\s*['"]dmaplan['"]/

export class PlanSimulations {
  readonly #entries = new Map<string, Entry>()

  constructor(private readonly runner: SimulateRunner = runCommandLine) {}

  /** Starts the simulation of a plan whose text in the editor is the saved file's, unless it ran on that text already. */
  request(file: string, text: string): void {
    if (!PLAN_IMPORT.test(text) || this.#entries.get(file)?.text === text || !saved(file, text)) return
    const entry: Entry = {
      text,
      run: this.runner(file).then(
        (exit) => {
          entry.outcome = outcomeOf(exit)
        },
        (e: unknown) => {
          entry.outcome = { failed: e instanceof Error ? e.message : String(e) }
        },
      ),
    }
    this.#entries.set(file, entry)
  }

  /** Every simulation started so far, finished. */
  async settled(): Promise<void> {
    await Promise.all([...this.#entries.values()].map((e) => e.run))
  }

  /** The summary line for a hover on the text the editor has now; undefined where the file is not a plan. */
  summary(file: string, text: string, target: SummaryTarget): string | undefined {
    if (!PLAN_IMPORT.test(text)) return undefined
    const entry = this.#entries.get(file)
    if (entry === undefined || entry.text !== text) return 'simulation: runs when the plan is saved and the rules accept it'
    const o = entry.outcome
    if (o === undefined) return 'simulation: running (hover again for its summary)'
    if ('failed' in o) return `simulation: ${o.failed}`
    return summaryLine(o.result, target)
  }
}

function saved(file: string, text: string): boolean {
  try {
    return readFileSync(file, 'utf8') === text
  } catch {
    return false
  }
}

function outcomeOf(exit: SimulateExit): Outcome {
  if (exit.status === -1) return { failed: `stopped after ${TIME_LIMIT_MS / 1000} s` }
  // 0: no finding, 1: a defect found; either way the JSON is the run's.
  if (exit.status === 0 || exit.status === 1)
    try {
      return { result: JSON.parse(exit.stdout) as SimResult }
    } catch {
      // falls through to what it said
    }
  const said = exit.stderr.split('\n').find((l) => l.trim() !== '') ?? `dmaplan simulate exited ${exit.status}`
  return { failed: said.replace(/^dmaplan: /, '') }
}

function count(n: number, one: string, many = `${one}s`): string {
  return `${n} ${n === 1 ? one : many}`
}

function summaryLine(r: SimResult, target: SummaryTarget): string {
  const verdict = r.ok ? 'OK' : count(r.findings.filter((f) => f.severity === 'error').length, 'error')
  if (target === 'plan') return `simulated: ${verdict}, ${count(r.transactions.length, 'transaction')}, ${count(r.findings.length, 'finding')}`
  if ('region' in target) {
    const g = r.regions.find((x) => x.name === target.region)
    return g === undefined ? `simulated: ${verdict}` : `simulated: ${g.kind} at ${g.phys}, ${g.bytes} bytes (placed by the ${g.placed})`
  }
  const t = r.transactions.find((x) => x.name === target.tx)
  if (t === undefined) return `simulated: ${verdict}; no transaction ${target.tx} in the run`
  const findings = r.findings.filter((f) => f.tx === t.name)
  const first = findings[0]
  return `simulated: ${txLine(t)}; ${first === undefined ? 'no findings' : `${count(findings.length, 'finding')}, first ${first.id}: ${first.message}`}`
}

function txLine(t: TransactionResult): string {
  const c = t.counters
  return [
    `${t.status} via ${t.path}`,
    count(t.calls.length, 'call'),
    count(segmentCount(t.segments), 'DMA segment'),
    `IOVA pages ${c.iovaPages}, IOTLB syncs ${c.iotlbSyncs}, bounce slots ${c.bounceSlots}`,
  ].join(', ')
}
