/**
 * dmaplan import TRACE: a trace of the kernel's `dma` events (tracefs's
 * `trace` file or `trace-cmd report`) as a plan in the IR's JSON form
 * (src/import). The trace is read line by line; one line says what it held.
 */
import { createReadStream } from 'node:fs'
import { createInterface } from 'node:readline'
import type { ParseArgsConfig } from 'node:util'
import { basename } from 'node:path'
import { TraceImporter } from '../import/to-plan.js'
import { TraceSyntaxError } from '../import/trace-line.js'
import { isPlatformName, NAMED_PLATFORMS } from '../import/platforms.js'
import { encodePlan } from '../plan/load.js'
import { EXIT, InputError, UsageError } from './errors.js'
import { kernelOption } from './kernel-option.js'
import { showPath } from './location.js'
import type { Output } from './output.js'
import { writeFileAtomic } from './write-output.js'

export const IMPORT_OPTIONS: NonNullable<ParseArgsConfig['options']> = {
  out: { type: 'string' },
  force: { type: 'boolean', default: false },
  platform: { type: 'string' },
  kernel: { type: 'string' },
  device: { type: 'string' },
  name: { type: 'string' },
  'dma-mask': { type: 'string' },
}

export async function importVerb(file: string, values: Record<string, string | boolean | undefined>, out: Output): Promise<number> {
  const platform = values.platform
  if (typeof platform !== 'string') throw new UsageError(`import needs --platform, one of ${Object.keys(NAMED_PLATFORMS).join(', ')}`)
  if (!isPlatformName(platform)) throw new UsageError(`--platform ${platform} is not one of ${Object.keys(NAMED_PLATFORMS).join(', ')}`)
  const kernel = kernelOption(values.kernel)
  const name = typeof values.name === 'string' ? values.name : basename(file).replace(/\.[^.]*$/, '').replace(/[^A-Za-z0-9_]/g, '_').replace(/^(\d)/, '_$1') || 'imported'
  const mask = values['dma-mask']
  if (mask !== undefined && (typeof mask !== 'string' || !/^\d+$/.test(mask) || Number(mask) < 24 || Number(mask) > 64)) throw new UsageError(`--dma-mask takes a number of bits from 24 to 64, not ${String(mask)}`)
  const importer = new TraceImporter({
    ...(mask === undefined ? {} : { dmaMask: Number(mask) }),
    platform,
    file: showPath(file),
    name,
    ...(kernel === undefined ? {} : { kernel }),
    ...(typeof values.device === 'string' ? { device: values.device } : {}),
  })
  try {
    const lines = createInterface({ input: createReadStream(file), crlfDelay: Infinity })
    for await (const line of lines) importer.push(line)
  } catch (e) {
    if (e instanceof TraceSyntaxError) throw new InputError(`${showPath(file)}:${e.line}: ${e.message}`)
    const code = (e as NodeJS.ErrnoException).code
    if (typeof code === 'string') throw new InputError(`${showPath(file)} cannot be read (${code})`)
    throw e
  }
  let result
  try {
    result = importer.finish()
  } catch (e) {
    if (e instanceof Error) throw new InputError(`${showPath(file)}: ${e.message}`)
    throw e
  }
  const json = `${JSON.stringify(encodePlan(result.plan), null, 2)}\n`
  if (typeof values.out === 'string') await writeFileAtomic(values.out, json, values.force === true)
  const s = result.summary
  const unknown = [...s.unknown.values()].reduce((a, b) => a + b, 0)
  const leftOut = [...s.leftOut.values()].reduce((a, b) => a + b, 0)
  const summary = `${showPath(file)}: ${s.dmaEvents} dma events of ${s.events}, ${s.mappings} mappings, ${s.devices.size} device(s), ${unknown} unknown dma events skipped, ${leftOut} left out, ${s.defects.length} defect(s)`
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
      ...(typeof values.out === 'string' ? {} : { plan: encodePlan(result.plan) }),
    }
    out.print(JSON.stringify(report, null, 2))
  } else {
    out.print(summary)
    if (typeof values.out !== 'string') out.print(json.trimEnd())
  }
  return EXIT.clean
}
