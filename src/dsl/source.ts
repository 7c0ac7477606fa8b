/**
 * Where a builder call was written, so that a rule broken at run time is
 * reported at file:line:col like a type error. Off unless a loader asks for
 * it: capturing a stack costs more than the rest of a builder step.
 */
import { findSourceMap } from 'node:module'
import type { SourceMap } from 'node:module'

const FLAG = Symbol.for('dmaplan.captureSource')

export function captureSource(on: boolean): void {
  ;(globalThis as Record<symbol, unknown>)[FLAG] = on
}

// biome-ignore lint: the frame filter must accept any function
export type Fn = (...args: any[]) => unknown

export function callSite(method: Fn): { at?: string } {
  if ((globalThis as Record<symbol, unknown>)[FLAG] !== true) return {}
  // One frame, the caller's, as V8 hands it over (no formatting, no source-map lookup of a whole stack).
  const holder: { stack?: unknown } = {}
  const limit = Error.stackTraceLimit
  const prepare = Error.prepareStackTrace
  let frame: NodeJS.CallSite | undefined
  Error.stackTraceLimit = 1
  Error.prepareStackTrace = (_error, frames) => frames
  try {
    Error.captureStackTrace(holder, method)
    frame = (holder.stack as NodeJS.CallSite[] | undefined)?.[0]
  } finally {
    Error.stackTraceLimit = limit
    Error.prepareStackTrace = prepare
  }
  const file = frame?.getFileName()
  const line = frame?.getLineNumber()
  const column = frame?.getColumnNumber()
  if (file == null || line == null || column == null) return {}
  const at = originalPosition(file, line, column)
  return { at: `${at.file}:${at.line}:${at.column}` }
}

/** The last file asked for and its source map (a plan's steps come from one file, mostly). */
let lastMap: { file: string; map: SourceMap | undefined } | undefined

/**
 * Where generated position line:column (1-based) of file was written: its
 * source map's entry when Node keeps one for the file (source maps are on
 * where the loaders strip types), else the position itself.
 */
function originalPosition(file: string, line: number, column: number): { file: string; line: number; column: number } {
  if (lastMap?.file !== file) lastMap = { file, map: findSourceMap(file) }
  const entry = lastMap.map?.findEntry(line - 1, column - 1)
  const path = (f: string) => decodeURIComponent(f.replace(/^file:\/\//, '').replace(/\?.*$/, ''))
  if (entry === undefined || !('originalSource' in entry)) return { file: path(file), line, column }
  return { file: path(entry.originalSource), line: entry.originalLine + 1, column: entry.originalColumn + 1 }
}

/** The file (a path, without a loader's query) and position of one line of a V8 stack. */
export function frameAt(frame: string): { file: string; line: string; column: string } | undefined {
  const m = frame.match(/\(?((?:file:\/\/)?[^()\s]+):(\d+):(\d+)\)?\s*$/)
  if (!m) return undefined
  return { file: decodeURIComponent((m[1] as string).replace(/^file:\/\//, '').replace(/\?.*$/, '')), line: m[2] as string, column: m[3] as string }
}
