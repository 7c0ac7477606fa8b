/**
 * dmaplan check <files...>: type-check plan files and validate them at run
 * time; print each violation as `file:line:col rule-id sentence`.
 */
import { statSync } from 'node:fs'
import { extname, resolve } from 'node:path'
import { EXIT, InputError } from './errors.js'
import type { InputWhy } from './errors.js'
import type { Located, LoadedPlan } from './load-plan.js'
import type { Output } from './output.js'
import { progress } from './progress.js'
import { compileNative, nativeViolations } from './native-typecheck.js'
import type { NativeResult } from './native-typecheck.js'

/** A file the compiler can read; anything else is for the loader to name. */
function isFile(path: string): boolean {
  try {
    return statSync(path).isFile()
  } catch {
    return false
  }
}

/** Why a file is not a plan, as `check --json` gives it. */
interface FileError {
  readonly where: string
  readonly cause: InputWhy
  readonly message: string
}

/** How running one plan file ended. */
type LoadOutcome = { readonly loaded: LoadedPlan } | { readonly thrown: unknown }

export async function check(files: readonly string[], out: Output): Promise<number> {
  const typed = files.filter((f) => extname(f) === '.ts' || extname(f) === '.mts')
  const compiled = typed.filter((f) => isFile(resolve(f)))
  // The native compiler checks every file in one run while the plans run here, one after another (a plan's run
  // takes over standard output); without it, the TypeScript 6 API checks file by file.
  const native = compileNative(compiled)
  const loader = await import('./load-plan.js')
  let turn: Promise<unknown> = Promise.resolve()
  const runs = files.map(
    (f) => (turn = turn.then(() => loader.loadPlanFile(resolve(f)).then((loaded) => ({ loaded }), (thrown: unknown) => ({ thrown })))) as Promise<LoadOutcome>,
  )
  return checkFiles(files, compiled, await native, runs, loader.violationLine, out)
}

async function checkFiles(
  files: readonly string[],
  compiled: readonly string[],
  native: ReadonlyMap<string, NativeResult> | undefined,
  runs: readonly Promise<LoadOutcome>[],
  violationLine: (v: Located) => string,
  out: Output,
): Promise<number> {
  const results: { file: string; violations: Located[]; error?: FileError }[] = []
  let status: number = EXIT.clean
  for (const [i, file] of files.entries()) {
    // The compiler's verdict first, whatever the plan's code does when it runs.
    let typeViolations: Located[] = []
    const result = native?.get(resolve(file))
    if (result !== undefined) typeViolations = await nativeViolations(resolve(file), result)
    else if (compiled.includes(file)) {
      // The compiler takes a second or two to start: say so on a terminal.
      const shown = progress(`type-checking ${file}`, process.stderr, 0)
      shown.update(0)
      try {
        const { typecheckPlan } = await import('./typecheck.js')
        typeViolations = typecheckPlan([resolve(file)]).get(resolve(file)) ?? []
      } finally {
        shown.done()
      }
    }
    let runtime: Located[] = []
    let error: FileError | undefined
    const run = (await runs[i]) as LoadOutcome
    if ('loaded' in run) {
      // The run time repeats what the types said: report each broken rule once, preferring the compiler's location.
      runtime = run.loaded.violations.filter((v) => !typeViolations.some((t) => t.rule === v.rule && t.message.startsWith(v.message.slice(0, 60))))
    } else {
      const e = run.thrown
      if (!(e instanceof InputError)) throw e
      // A literal the compiler already refused with the same sentence (the run time adds a suggestion) is one mistake: say it once.
      const sentence = e.sentence?.split(/ (?:Perhaps|Did you mean) /)[0]
      if (sentence === undefined || !typeViolations.some((t) => t.message.includes(sentence))) {
        error = { where: e.where ?? file, cause: e.why, message: e.message }
        out.error(e.message)
        status = EXIT.input
      }
    }
    const violations = [...typeViolations, ...runtime]
    results.push({ file, violations, ...(error !== undefined ? { error } : {}) })
    if (violations.length > 0 && status !== EXIT.input) status = Math.max(status, EXIT.defect)
  }
  if (out.json) out.print(JSON.stringify({ files: results }, null, 2))
  else for (const r of results) for (const v of r.violations) out.print(violationLine(v))
  return status
}
