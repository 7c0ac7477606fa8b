/**
 * Where a builder call was written, so that a rule broken at run time is
 * reported at file:line:col like a type error. Off unless a loader asks for
 * it: capturing a stack costs more than the rest of a builder step.
 */
const FLAG = Symbol.for('dmaplan.captureSource')

export function captureSource(on: boolean): void {
  ;(globalThis as Record<symbol, unknown>)[FLAG] = on
}

// biome-ignore lint: the frame filter must accept any function
export type Fn = (...args: any[]) => unknown

export function callSite(method: Fn): { at?: string } {
  if ((globalThis as Record<symbol, unknown>)[FLAG] !== true) return {}
  const holder: { stack?: string } = {}
  // One frame, the caller's: each frame of a longer stack is looked up in its source map, for every builder step.
  const limit = Error.stackTraceLimit
  Error.stackTraceLimit = 1
  try {
    Error.captureStackTrace(holder, method)
  } finally {
    Error.stackTraceLimit = limit
  }
  const at = frameAt(holder.stack?.split('\n')[1] ?? '')
  return at !== undefined ? { at: `${at.file}:${at.line}:${at.column}` } : {}
}

/** The file (a path, without a loader's query) and position of one line of a V8 stack. */
export function frameAt(frame: string): { file: string; line: string; column: string } | undefined {
  const m = frame.match(/\(?((?:file:\/\/)?[^()\s]+):(\d+):(\d+)\)?\s*$/)
  if (!m) return undefined
  return { file: decodeURIComponent((m[1] as string).replace(/^file:\/\//, '').replace(/\?.*$/, '')), line: m[2] as string, column: m[3] as string }
}
