/**
 * Type-checking plan files with TypeScript 7's native compiler, where it is
 * installed: one tsc run for all the files, one program, with no output
 * (check runs the plans from their source meanwhile). tsc has no API: its
 * `--pretty false` report is parsed, a diagnostic per
 * `file(line,col): error TSn: text` line, with the indented lines below it
 * as the chain of its elaborations.
 */
import { execFile } from 'node:child_process'
import { existsSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { createRequire } from 'node:module'
import { dirname, join, resolve } from 'node:path'
import { InputError } from './errors.js'
import type { Located } from './location.js'
import { showPath } from './location.js'
import { planCompilerOptions } from './plan-tsconfig.js'
import { tempFile } from './temp-file.js'
import { fromDiagnostic } from './diagnostic-rule.js'

/** One diagnostic as tsc prints it: 1-based line and column, the message chain's lines joined by newlines. */
export interface Tsc7Diagnostic {
  readonly file: string
  readonly line: number
  readonly column: number
  readonly code: number
  readonly text: string
}

/** What tsc says of one plan file. */
export interface NativeResult {
  readonly diagnostics: readonly Tsc7Diagnostic[]
}

/** The native compiler's command line, or undefined where it is not installed. */
export function tsc7Binary(): string | undefined {
  try {
    const bin = join(dirname(createRequire(import.meta.url).resolve('tsc7/package.json')), 'bin', 'tsc')
    return existsSync(bin) ? bin : undefined
  } catch {
    return undefined
  }
}

/**
 * The command that runs the native compiler: its executable itself, found
 * where tsc7's own launcher finds it (lib/getExePath.js: the platform
 * package it depends on), which spares a second Node process starting only
 * to spawn it; the launcher where that package is not where it expects.
 */
export function tsc7Command(bin: string): readonly [string, ...string[]] {
  const exe = process.platform === 'win32' ? 'tsc.exe' : 'tsc'
  try {
    const manifest = createRequire(bin).resolve(`@typescript/typescript-${process.platform}-${process.arch}/package.json`)
    const native = join(dirname(manifest), 'lib', exe)
    if (existsSync(native)) return [native]
  } catch {
    // not installed beside tsc7: its launcher says why, or finds it its own way
  }
  return [process.execPath, bin]
}

const DIAGNOSTIC = /^(.+?)\((\d+),(\d+)\): error TS(\d+): (.*)$/

/** tsc's `--pretty false` report as diagnostics; undefined if a line is neither a diagnostic nor an elaboration of one. */
export function parseTscReport(report: string, cwd: string): Tsc7Diagnostic[] | undefined {
  const out: Tsc7Diagnostic[] = []
  for (const line of report.split('\n')) {
    if (line.trim() === '') continue
    const m = line.match(DIAGNOSTIC)
    if (m) {
      out.push({ file: resolve(cwd, m[1] as string), line: Number(m[2]), column: Number(m[3]), code: Number(m[4]), text: m[5] as string })
      continue
    }
    const last = out.pop()
    // An elaboration is indented under its diagnostic; anything else (a global error, a crash) is not a report this parser knows.
    if (last === undefined || !line.startsWith('  ')) return undefined
    out.push({ ...last, text: `${last.text}\n${line}` })
  }
  return out
}

/**
 * Type-checks the files as one program, asynchronously (the caller runs the
 * plans meanwhile): each file's diagnostics by absolute path; undefined when
 * the compiler could not run or said something other than diagnostics (the
 * caller falls back to the TypeScript 6 compiler API).
 */
export async function compileNative(files: readonly string[]): Promise<ReadonlyMap<string, NativeResult> | undefined> {
  const tsc = tsc7Binary()
  if (tsc === undefined || files.length === 0) return undefined
  // One file, removed after the run: no directory to make and remove.
  const tsconfig = tempFile('check', 'tsconfig.json')
  const config = {
    compilerOptions: { ...planCompilerOptions(), noEmit: true },
    files: files.map((f) => resolve(f)),
  }
  writeFileSync(tsconfig, JSON.stringify(config))
  const report = await new Promise<string | undefined>((done) => {
    const [command, ...prefix] = tsc7Command(tsc)
    execFile(command, [...prefix, '-p', tsconfig, '--pretty', 'false'], { cwd: tmpdir(), encoding: 'utf8', maxBuffer: 1 << 28 }, (error, stdout) => {
      // 0: clean, 1 or 2: diagnostics (with or without output); anything else is a failure of the compiler itself.
      const code = error === null ? 0 : error.code
      done(typeof code === 'number' && code <= 2 ? stdout : undefined)
    })
  })
  rmSync(tsconfig, { force: true })
  const diagnostics = report === undefined ? undefined : parseTscReport(report, tmpdir())
  if (diagnostics === undefined) return undefined
  return new Map(config.files.map((f) => [f, { diagnostics: diagnostics.filter((d) => d.file === f) }]))
}

/**
 * A file's diagnostics as check reports them. A syntax error stops the check
 * in the words of the TypeScript parser (tsc's codes 1000-1999 are mostly
 * the parser's; the parser decides).
 */
export async function nativeViolations(file: string, result: NativeResult): Promise<Located[]> {
  if (result.diagnostics.some((d) => d.code >= 1000 && d.code < 2000)) {
    const { firstSyntaxError } = await import('./typecheck.js')
    const syntax = firstSyntaxError(file, readFileSync(file, 'utf8'))
    if (syntax !== undefined) throw new InputError(syntax)
  }
  const shown = showPath(file)
  return result.diagnostics.map((d) => fromDiagnostic(`${shown}:${d.line}:${d.column}`, d.code, d.text))
}
