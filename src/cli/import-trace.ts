/**
 * dmaplan import TRACE: a trace of the kernel's `dma` events (tracefs's
 * `trace` file or `trace-cmd report`) as a plan in the IR's JSON form
 * (src/import). The trace is read line by line and the plan written as it
 * goes (src/import/plan-file.ts), so a trace of millions of events takes
 * the memory of its live mappings, not of its steps; a terminal shows the
 * progress. One line says what the trace held.
 */
import { rmSync } from 'node:fs'
import { mkdtemp, rm, stat } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { basename, dirname, join } from 'node:path'
import { readLines } from '../import/line-reader.js'
import { PlanFileSink } from '../import/plan-file.js'
import { TraceImporter } from '../import/to-plan.js'
import type { ImportOptions, ImportSummary } from '../import/to-plan.js'
import { TraceSyntaxError } from '../import/trace-line.js'
import { isPlatformName, NAMED_PLATFORMS } from '../import/platforms.js'
import type { PlatformJson, PlatformName } from '../import/platforms.js'
import { platformFile } from './platform-file.js'
import { EXIT, InputError, UsageError } from './errors.js'
import { kernelOption } from './kernel-option.js'
import { showPath } from './location.js'
import type { Output } from './output.js'
import { progress } from './progress.js'
import { onInterrupt } from './interrupt.js'
import { moveIntoPlace, prepareTarget } from './write-output.js'

export async function importVerb(file: string, values: Record<string, string | boolean | undefined>, out: Output): Promise<number> {
  const given = values.platform
  let platform: PlatformName | PlatformJson | undefined
  if (typeof given === 'string') {
    if (isPlatformName(given)) platform = given
    else if (/\.(json|ts|mts)$/.test(given)) platform = await platformFile(given)
    else throw new UsageError(`--platform ${given} is not one of ${Object.keys(NAMED_PLATFORMS).join(', ')}, nor a .ts or .json platform file`)
  }
  const kernel = kernelOption(values.kernel)
  const name = typeof values.name === 'string' ? values.name : basename(file).replace(/\.[^.]*$/, '').replace(/[^A-Za-z0-9_]/g, '_').replace(/^(\d)/, '_$1') || 'imported'
  const mask = values['dma-mask']
  if (mask !== undefined && (typeof mask !== 'string' || !/^\d+$/.test(mask) || Number(mask) < 24 || Number(mask) > 64)) throw new UsageError(`--dma-mask takes a number of bits from 24 to 64, not ${String(mask)}`)
  const options: ImportOptions = {
    ...(mask === undefined ? {} : { dmaMask: Number(mask) }),
    ...(platform === undefined ? {} : { platform }),
    file: showPath(file),
    name,
    ...(kernel === undefined ? {} : { kernel }),
    ...(typeof values.device === 'string' ? { device: values.device } : {}),
  }
  const target = typeof values.out === 'string' ? values.out : undefined
  const force = values.force === true
  // Refused before the trace is read: an import of millions of events should not end in "exists".
  if (target !== undefined) await prepareTarget(target, force)
  const scratch = target === undefined ? await mkdtemp(join(tmpdir(), 'dmaplan-import-')) : undefined
  const sink = new PlanFileSink(target === undefined ? (scratch as string) : dirname(target))
  // An interrupted import leaves none of its temporary files beside the target.
  const forget = onInterrupt(() => {
    sink.discardSync()
    if (scratch !== undefined) rmSync(scratch, { recursive: true, force: true })
  })
  try {
    const { planFile, summary: s } = await importToFile(file, options, sink)
    if (target !== undefined) await moveIntoPlace(planFile, target, force)
    const unknown = [...s.unknown.values()].reduce((a, b) => a + b, 0)
    const leftOut = [...s.leftOut.values()].reduce((a, b) => a + b, 0)
    if (out.json) {
      const report = {
        file: showPath(file),
        events: s.events,
        dmaEvents: s.dmaEvents,
        mappings: s.mappings,
        devices: Object.fromEntries(s.devices),
        unknown: Object.fromEntries(s.unknown),
        leftOut: Object.fromEntries(s.leftOut),
        defects: s.defects,
        assumptions: s.assumptions,
      }
      const text = JSON.stringify(report, null, 2)
      if (target !== undefined) out.print(text)
      else {
        // The plan as the report's last property, a line at a time: it may be larger than a string can be.
        out.print(`${text.slice(0, -2)},`)
        let first = true
        await readLines(planFile, (l) => {
          out.print(first ? `  "plan": ${l}` : `  ${l}`)
          first = false
        })
        out.print('}')
      }
    } else {
      out.print(`${showPath(file)}: ${s.dmaEvents} dma events of ${s.events}, ${s.mappings} mappings, ${s.devices.size} device(s), ${unknown} unknown dma events skipped, ${leftOut} left out, ${s.defects.length} defect(s)`)
      if (target === undefined) await readLines(planFile, (l) => out.print(l))
    }
  } finally {
    forget()
    await sink.discard()
    if (scratch !== undefined) await rm(scratch, { recursive: true, force: true })
  }
  return EXIT.clean
}

/** What of the plan may wait for the disk while the trace is read. */
const BACKLOG = 16 << 20

/** Reads the trace into the sink with a progress line on a terminal; the completed plan's temporary file and the summary. */
async function importToFile(file: string, options: ImportOptions, sink: PlanFileSink): Promise<{ planFile: string; summary: ImportSummary }> {
  const importer = new TraceImporter(options, sink)
  const shown = progress(`import ${showPath(file)}`)
  try {
    const size = (await stat(file)).size
    const mib = (n: number) => (n / 2 ** 20).toFixed(0)
    await readLines(
      file,
      (l) => importer.push(l),
      async (read) => {
        shown.update(size === 0 ? 1 : read / size, `${mib(read)} of ${mib(size)} MiB`)
        await sink.backlog(BACKLOG)
      },
    )
  } catch (e) {
    if (e instanceof TraceSyntaxError) throw new InputError(`${showPath(file)}:${e.line}: ${e.message}`)
    throw typeof (e as NodeJS.ErrnoException).code === 'string' ? fileError(e, file) : e
  } finally {
    shown.done()
  }
  try {
    const c = importer.conclude()
    return { planFile: await sink.complete(c.device, c.head), summary: c.summary }
  } catch (e) {
    throw fileError(e, file)
  }
}

/** A failure as one sentence: of reading the trace, of writing the plan's temporary files, or of the trace's content. */
function fileError(e: unknown, file: string): unknown {
  if (!(e instanceof Error)) return e
  const { code, syscall, path } = e as NodeJS.ErrnoException
  if (typeof code !== 'string') return new InputError(`${showPath(file)}: ${e.message}`)
  if (syscall === 'write' || (path !== undefined && path !== file)) return new InputError(`the plan of ${showPath(file)} cannot be written (${code}${path === undefined ? '' : ` at ${showPath(path)}`})`)
  return new InputError(`${showPath(file)} cannot be read (${code})`)
}
