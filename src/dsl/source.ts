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
type Fn = (...args: any[]) => unknown

export function callSite(method: Fn): { at?: string } {
  if ((globalThis as Record<symbol, unknown>)[FLAG] !== true) return {}
  const holder: { stack?: string } = {}
  Error.captureStackTrace(holder, method)
  const frame = holder.stack?.split('\n')[1]
  const m = frame?.match(/\(?((?:file:\/\/)?[^()\s]+):(\d+):(\d+)\)?\s*$/)
  if (!m) return {}
  const file = decodeURIComponent((m[1] as string).replace(/^file:\/\//, '').replace(/\?.*$/, ''))
  return { at: `${file}:${m[2]}:${m[3]}` }
}
