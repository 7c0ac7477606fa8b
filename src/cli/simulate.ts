/**
 * dmaplan simulate <plan>: run a plan on the model of the kernel's DMA layer
 * and print the readable summary, or the JSON result with --json.
 */
// The modules the verb uses, not the sim/index.js barrel: a run loads neither the comparison nor the result's schema.
import type { SimOptions } from '../sim/options.js'
import { summaryLines } from '../sim/result/summary.js'
import { resultToJson } from '../sim/result/json.js'
import { runPlan } from '../sim/run/simulate.js'
import { SimError } from '../sim/sim-error.js'
import { EXIT, InputError, UsageError } from './errors.js'
import { loadPlanFile, violationLine } from './load-plan.js'
import type { Output } from './output.js'
import { showPath } from './location.js'
import { progress } from './progress.js'
import { writeFileAtomic } from './write-output.js'
import { resolve } from 'node:path'

/** A count from 1 up, given to an option. */
function count(values: Record<string, string | boolean | undefined>, name: string, what: string): number | undefined {
  const v = values[name]
  if (typeof v !== 'string') return undefined
  const n = Number(v)
  if (!/^\d+$/.test(v) || !Number.isSafeInteger(n) || n < 1) throw new UsageError(`--${name} takes ${what} from 1 up, not ${v}`)
  return n
}

export function simOptions(values: Record<string, string | boolean | undefined>): SimOptions {
  const failAtCall = count(values, 'fail-at-call', 'a call number')
  const dmaDebugEntries = count(values, 'debug-entries', 'a number of entries')
  return {
    ...(failAtCall !== undefined ? { failAtCall } : {}),
    ...(values['exhaust-iova'] ? { exhaustIova: true } : {}),
    ...(values['swiotlb-full'] ? { swiotlbFull: true } : {}),
    ...(values['p2p-unsupported'] ? { p2pUnsupported: true } : {}),
    ...(values.debug ? { dmaApiDebug: true } : {}),
    ...(dmaDebugEntries !== undefined ? { dmaDebugEntries } : {}),
    ...(values.unbind ? { unbind: true } : {}),
  }
}

/** Pieces of text (each one or more lines) printed some thousands at a time: one write per piece is slow, one text of them all is large. */
function printLines(out: Output, lines: Iterable<string>): void {
  let batch: string[] = []
  for (const line of lines) {
    batch.push(line)
    if (batch.length === 4096) {
      out.print(batch.join('\n'))
      batch = []
    }
  }
  if (batch.length > 0) out.print(batch.join('\n'))
}

export async function simulateVerb(file: string, values: Record<string, string | boolean | undefined>, out: Output): Promise<number> {
  const options = simOptions(values)
  const loaded = await loadPlanFile(file)
  if (loaded.plan === undefined) {
    for (const v of loaded.violations) out.print(violationLine(v))
    return EXIT.defect
  }
  let result
  const shown = progress(`simulating ${showPath(file)}`)
  try {
    result = runPlan(loaded.plan, { ...options, onProgress: (step, steps) => shown.update(step / steps, `step ${step + 1} of ${steps}`) }).result
  } catch (e) {
    if (e instanceof SimError) throw new InputError(`${showPath(file)}: ${e.message}`)
    throw e
  } finally {
    shown.done()
  }
  const html = values.html
  if (typeof html === 'string') {
    if (html === '') throw new UsageError('--html takes a file name')
    // The report's renderer loads only when a page is asked for.
    const { renderHtml } = await import('../report/index.js')
    await writeFileAtomic(resolve(html), renderHtml(result, loaded.plan, { source: showPath(file) }), values.force === true)
  }
  if (out.json) out.print(resultToJson(result).trimEnd())
  else printLines(out, summaryLines(result))
  return result.ok ? EXIT.clean : EXIT.defect
}
