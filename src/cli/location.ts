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

export function showAt(at: string | undefined, fallback: string): string {
  if (at === undefined) return fallback
  const m = at.match(/^(.*):(\d+):(\d+)$/)
  return m ? `${showPath(m[1] as string)}:${m[2]}:${m[3]}` : at
}
