/**
 * What an interrupted run (SIGINT, SIGTERM, SIGHUP) leaves behind. While an
 * output is written (whileWriting), an interrupt is taken at the writer's
 * next check, between file operations, so that the writer removes its own
 * temporary files once no operation on them is in flight; the moves that
 * put finished files in place are not interrupted, so a directory of
 * generated files is all old or all new. A long run that writes as it goes
 * (an import) registers a cleanup instead (onInterrupt) and ends at once.
 * Handlers are installed on the first output; until then a signal ends
 * dmaplan as usual.
 */
import { constants } from 'node:os'

const SIGNALS = ['SIGINT', 'SIGTERM', 'SIGHUP'] as const

const cleanups = new Set<() => void>()
let writing = 0
let deferred: NodeJS.Signals | undefined
let installed = false

function install(): void {
  if (installed) return
  installed = true
  for (const signal of SIGNALS)
    process.on(signal, (s: NodeJS.Signals) => {
      if (writing > 0) deferred ??= s
      else exitOn(s)
    })
}

/** Thrown by a writer's check after an interrupt: its cleanup runs, then the process ends. */
class Interrupted extends Error {}

function exitOn(signal: NodeJS.Signals): never {
  for (const cleanup of cleanups) {
    try {
      cleanup()
    } catch {
      // the next one still runs: each removes what it can
    }
  }
  cleanups.clear()
  process.stderr.write(`dmaplan: interrupted by ${signal}; no output was left half-written\n`)
  process.exit(128 + constants.signals[signal])
}

/** Registers a synchronous cleanup run if the process is interrupted; the returned function unregisters it. */
export function onInterrupt(cleanup: () => void): () => void {
  install()
  cleanups.add(cleanup)
  return () => {
    cleanups.delete(cleanup)
  }
}

/**
 * Writes outputs: `stopIfInterrupted` ends the write (the writer's finally
 * blocks clean up) once an interrupt has come; the process then ends with
 * the signal's status. An interrupt after the last check waits for the write.
 */
export async function whileWriting<T>(write: (stopIfInterrupted: () => void) => Promise<T>): Promise<T> {
  install()
  writing++
  try {
    return await write(() => {
      if (deferred !== undefined) throw new Interrupted()
    })
  } finally {
    writing--
    if (writing === 0 && deferred !== undefined) exitOn(deferred)
  }
}
