/**
 * A file name of its own in the temporary directory, for a file the command
 * line writes and removes around one use (a stripped plan, check's
 * tsconfig): the process id and a counter make it unique without a
 * directory to make and remove.
 */
import { tmpdir } from 'node:os'
import { join } from 'node:path'

let made = 0

export function tempFile(kind: string, name: string): string {
  return join(tmpdir(), `dmaplan-${kind}-${process.pid}-${++made}-${name}`)
}
