/** Runs the built command line (npm test builds first) and returns its exit status and output. */
import { spawnSync } from 'node:child_process'
import { join } from 'node:path'
import { ROOT } from './fixtures.js'

export interface CliRun {
  readonly status: number
  readonly stdout: string
  readonly stderr: string
}

/** A Node with its own TypeScript type stripping (22.18+), installed as an optional dependency on linux-x64. */
export const NODE_WITH_STRIPPING = join(ROOT, 'node_modules', 'node22', 'bin', 'node')

export function dmaplan(args: readonly string[], options: { cwd?: string; input?: string; node?: string; env?: Record<string, string> } = {}): CliRun {
  const r = spawnSync(options.node ?? process.execPath, [join(ROOT, 'bin', 'dmaplan.js'), ...args], {
    cwd: options.cwd ?? ROOT,
    encoding: 'utf8',
    input: options.input,
    env: { ...process.env, FORCE_COLOR: '0', ...options.env },
  })
  return { status: r.status ?? -1, stdout: r.stdout, stderr: r.stderr }
}
