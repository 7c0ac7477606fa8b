/**
 * clang-format with the kernel's configuration (templates/.clang-format).
 * The generator lays its C out the way clang-format would, so formatting is
 * only needed when the writer is unsure; this runs the tool when it is.
 */
import { execFileSync, spawnSync } from 'node:child_process'
import { join } from 'node:path'
import { TEMPLATES_DIR } from '../template/root.js'

export const CLANG_FORMAT_CONFIG = join(TEMPLATES_DIR, '.clang-format')

let found: string | null | undefined

/** The clang-format binary ($CLANG_FORMAT, else clang-format on PATH), or null. */
export function clangFormatBinary(): string | null {
  if (found !== undefined) return found
  const candidate = process.env.CLANG_FORMAT ?? 'clang-format'
  const r = spawnSync(candidate, ['--version'], { encoding: 'utf8' })
  found = r.status === 0 ? candidate : null
  return found
}

let runs = 0

/** How many times clangFormat() ran the tool in this process (the tests check it stays at rest). */
export function clangFormatRuns(): number {
  return runs
}

/** Format C text as a file named `name` would be; null when clang-format is not installed. */
export function clangFormat(text: string, name = 'driver.c'): string | null {
  const bin = clangFormatBinary()
  if (bin === null) return null
  runs++
  return execFileSync(bin, [`--style=file:${CLANG_FORMAT_CONFIG}`, `--assume-filename=${name}`], {
    input: text,
    encoding: 'utf8',
    maxBuffer: 64 << 20,
  })
}
