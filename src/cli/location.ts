/** file:line:col as the command line prints it: relative to the working directory when shorter. */
import { isAbsolute, relative } from 'node:path'

/** A broken rule where the command line shows it. */
export interface Located {
  readonly where: string
  readonly rule: string
  readonly message: string
}

export function showPath(file: string): string {
  if (!isAbsolute(file)) return file
  const rel = relative(process.cwd(), file)
  return rel.startsWith('..') ? file : rel
}

/** A `file:line:col` string taken apart; undefined if it is not one. */
export function parseAt(at: string | undefined): { readonly file: string; readonly line: number; readonly column: number } | undefined {
  const m = at?.match(/^(.*):(\d+):(\d+)$/)
  return m ? { file: m[1] as string, line: Number(m[2]), column: Number(m[3]) } : undefined
}

export function showAt(at: string | undefined, fallback: string): string {
  if (at === undefined) return fallback
  const p = parseAt(at)
  return p ? `${showPath(p.file)}:${p.line}:${p.column}` : at
}
