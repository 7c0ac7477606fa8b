/** Runs the built command line (npm test builds first) and returns its exit status and output. */
import { spawnSync } from 'node:child_process'
import { join } from 'node:path'
import { ROOT } from './fixtures.js'

export interface CliRun {
  readonly status: number
  readonly stdout: string
  readonly stderr: string
}

export function dmaplan(args: readonly string[], options: { cwd?: string; input?: string } = {}): CliRun {
  const r = spawnSync(process.execPath, [join(ROOT, 'bin', 'dmaplan.js'), ...args], {
    cwd: options.cwd ?? ROOT,
    encoding: 'utf8',
    input: options.input,
    env: { ...process.env, FORCE_COLOR: '0' },
  })
  return { status: r.status ?? -1, stdout: r.stdout, stderr: r.stderr }
}
