/**
 * The command line's temporary directory, one per process: the stripped
 * plans run from it (import-ts.ts), and check's tsconfig.json for the native
 * compiler is written there (native-typecheck.ts). Its node_modules holds
 * this installation as 'dmaplan', and its package.json makes .js an ES
 * module; Node resolves the link to its real path, so a plan shares the
 * modules the CLI loaded. Made on first use and removed when the process
 * exits: a check of many plans makes and removes one directory, not one each.
 */
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { PACKAGE_ROOT } from '../runtime/package-root.js'

let dir: string | undefined

export function scratchDir(): string {
  if (dir !== undefined) return dir
  const path = mkdtempSync(join(tmpdir(), 'dmaplan-'))
  process.once('exit', () => rmSync(path, { recursive: true, force: true }))
  mkdirSync(join(path, 'node_modules'))
  symlinkSync(PACKAGE_ROOT, join(path, 'node_modules', 'dmaplan'), 'dir')
  writeFileSync(join(path, 'package.json'), '{ "type": "module" }\n')
  dir = path
  return path
}
