/**
 * A file name of its own in the temporary directory, for a file the command
 * line writes and removes around one use (a stripped plan, check's
 * tsconfig): the process id and a counter make it unique without a
 * directory to make and remove.
 *
 * A run ended by a signal while a plan's module runs cannot remove its copy:
 * no handler runs while the plan holds the thread, and one that waited for
 * it would keep a plan that loops for ever from being killed. So the first
 * name a process takes also removes the files of runs whose process is gone.
 */
import { readdirSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'

let made = 0

const OURS = /^dmaplan-[a-z]+-(\d+)-\d+-/

export function tempFile(kind: string, name: string): string {
  if (made === 0) removeOrphans()
  return join(tmpdir(), `dmaplan-${kind}-${process.pid}-${++made}-${name}`)
}

function removeOrphans(): void {
  let names: string[]
  try {
    names = readdirSync(tmpdir())
  } catch {
    return
  }
  for (const name of names) {
    const pid = Number(OURS.exec(name)?.[1] ?? Number.NaN)
    if (!Number.isSafeInteger(pid) || pid === process.pid || alive(pid)) continue
    try {
      rmSync(join(tmpdir(), name), { force: true })
    } catch {
      // another user's, or not a file: left as it is
    }
  }
}

/** Signal 0 asks only whether the process exists (ESRCH: it does not; EPERM: it does, and is another user's). */
function alive(pid: number): boolean {
  try {
    process.kill(pid, 0)
    return true
  } catch (e) {
    return (e as NodeJS.ErrnoException).code !== 'ESRCH'
  }
}
