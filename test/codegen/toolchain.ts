/**
 * The kernel toolchain the build tests need, found on this machine: the
 * newest installed 6.12 headers (never a hard-coded version), make, gcc,
 * sparse, perl and checkpatch.pl from an unpacked linux-source-6.12.
 * DMAPLAN_KDIR and DMAPLAN_CHECKPATCH override the search.
 */
import { spawnSync } from 'node:child_process'
import { existsSync, readdirSync } from 'node:fs'
import { join } from 'node:path'

export interface Toolchain {
  readonly kdir: string
  readonly checkpatch: string
}

export type Found = { readonly ok: true; readonly tools: Toolchain } | { readonly ok: false; readonly missing: readonly string[] }

function versionKey(name: string): number[] {
  return (name.match(/\d+/g) ?? []).map(Number)
}

function newest(names: readonly string[]): string | undefined {
  return [...names].sort((a, b) => {
    const x = versionKey(a)
    const y = versionKey(b)
    for (let i = 0; i < Math.max(x.length, y.length); i++) if ((x[i] ?? -1) !== (y[i] ?? -1)) return (x[i] ?? -1) - (y[i] ?? -1)
    return 0
  })[names.length - 1]
}

function runs(cmd: string, args: readonly string[]): boolean {
  return spawnSync(cmd, args, { stdio: 'ignore' }).status === 0
}

export function findToolchain(): Found {
  const missing: string[] = []
  let kdir = process.env.DMAPLAN_KDIR
  if (kdir === undefined) {
    const src = '/usr/src'
    const dirs = existsSync(src) ? readdirSync(src).filter((d) => /^linux-headers-6\.12\..*-(amd64|arm64)$/.test(d) && existsSync(join(src, d, 'Makefile'))) : []
    const pick = newest(dirs)
    if (pick !== undefined) kdir = join(src, pick)
  }
  if (kdir === undefined || !existsSync(join(kdir, 'Makefile'))) missing.push('kernel headers (/usr/src/linux-headers-6.12.*)')
  let checkpatch = process.env.DMAPLAN_CHECKPATCH
  if (checkpatch === undefined) {
    const src = '/usr/src'
    const trees = existsSync(src) ? readdirSync(src).filter((d) => /^linux-source-6\.12/.test(d) && existsSync(join(src, d, 'scripts/checkpatch.pl'))) : []
    const pick = newest(trees)
    if (pick !== undefined) checkpatch = join(src, pick, 'scripts/checkpatch.pl')
  }
  if (checkpatch === undefined || !existsSync(checkpatch)) missing.push('checkpatch.pl (an unpacked /usr/src/linux-source-6.12)')
  if (!runs('make', ['--version'])) missing.push('make')
  if (!runs('gcc', ['--version'])) missing.push('gcc')
  if (!runs('sparse', ['--version'])) missing.push('sparse')
  if (!runs('perl', ['-v'])) missing.push('perl')
  if (missing.length > 0 || kdir === undefined || checkpatch === undefined) return { ok: false, missing }
  return { ok: true, tools: { kdir, checkpatch } }
}
