/**
 * Where a builder call was written, so that a rule broken at run time is
 * reported at file:line:col like a type error. Off unless a loader asks for
 * it: capturing a stack costs more than the rest of a builder step.
 */
const FLAG = Symbol.for('dmaplan.captureSource')

/** Per import: where each call position of the running JavaScript lies in the plan's own source (its source map applied). */
type Positions = Map<string, string | undefined>

export function captureSource(on: boolean): void {
  // Held on the global, like the flag it replaces: the plan may run another copy of this module than the loader's.
  ;(globalThis as Record<symbol, unknown>)[FLAG] = on ? (new Map() as Positions) : undefined
}

// biome-ignore lint: the frame filter must accept any function
export type Fn = (...args: any[]) => unknown

/** The caller's stack, one frame deep: as prepare() makes it, or as the process formats stacks (its source maps applied) without one. */
function captured<T>(method: Fn, prepare?: (error: Error, frames: NodeJS.CallSite[]) => T): T | undefined {
  const holder: { stack?: T } = {}
  const limit = Error.stackTraceLimit
  const before = Error.prepareStackTrace
  Error.stackTraceLimit = 1
  if (prepare !== undefined) Error.prepareStackTrace = prepare
  try {
    Error.captureStackTrace(holder, method)
    // V8 prepares the stack when it is first read: read it while prepare() is in place.
    return holder.stack
  } finally {
    Error.stackTraceLimit = limit
    if (prepare !== undefined) (Error as { prepareStackTrace?: unknown }).prepareStackTrace = before
  }
}

const rawFrames = (_: Error, frames: NodeJS.CallSite[]) => frames

export function callSite(method: Fn): { at?: string } {
  const positions = (globalThis as Record<symbol, unknown>)[FLAG] as Positions | undefined
  if (positions === undefined) return {}
  // A builder called in a loop is called from one position many times: its source-map lookup (most of the cost) is made once.
  const frame = captured(method, rawFrames)?.[0]
  const key = frame === undefined ? undefined : `${frame.getFileName()}:${frame.getLineNumber()}:${frame.getColumnNumber()}`
  if (key !== undefined && positions.has(key)) return at(positions.get(key))
  const text = captured<string>(method)
  const found = frameAt(text?.split('\n')[1] ?? '')
  const position = found !== undefined ? `${found.file}:${found.line}:${found.column}` : undefined
  if (key !== undefined) positions.set(key, position)
  return at(position)
}

const at = (position: string | undefined): { at?: string } => (position !== undefined ? { at: position } : {})

/** The file (a path, without a loader's query) and position of one line of a V8 stack. */
export function frameAt(frame: string): { file: string; line: string; column: string } | undefined {
  const m = frame.match(/\(?((?:file:\/\/)?[^()\s]+):(\d+):(\d+)\)?\s*$/)
  if (!m) return undefined
  return { file: decodeURIComponent((m[1] as string).replace(/^file:\/\//, '').replace(/\?.*$/, '')), line: m[2] as string, column: m[3] as string }
}
