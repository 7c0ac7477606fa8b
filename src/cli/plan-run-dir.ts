/**
 * A temporary directory that a plan stripped in this thread runs from
 * (import-ts.ts): its node_modules holds this installation as 'dmaplan',
 * and its package.json makes .js an ES module. Node resolves the link to its real path, so the plan shares the
 * modules the CLI loaded.
 */
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { PACKAGE_ROOT } from '../runtime/package-root.js'

export interface PlanRunDir {
  readonly path: string
  remove(): void
}

export function planRunDir(prefix: string): PlanRunDir {
  const path = mkdtempSync(join(tmpdir(), prefix))
  mkdirSync(join(path, 'node_modules'))
  symlinkSync(PACKAGE_ROOT, join(path, 'node_modules', 'dmaplan'), 'dir')
  writeFileSync(join(path, 'package.json'), '{ "type": "module" }\n')
  return { path, remove: () => rmSync(path, { recursive: true, force: true }) }
}
