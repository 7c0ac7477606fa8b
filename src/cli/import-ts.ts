/**
 * Running a .ts plan file as native ESM. A plan that imports only 'dmaplan'
 * and Node's built-in modules (the usual plan) is stripped of its types in
 * this thread (strip-types.ts) and run as a copy whose imports of 'dmaplan'
 * name this installation's files: no module hook thread to start. Any other
 * plan runs through module hooks: Node's own type stripping where the
 * runtime has it (Node 22.18+, process.features.typescript), else
 * oxc-transform in strip-types-hook.ts; jiti where neither can (a platform
 * without oxc's binding, or DMAPLAN_LOADER=jiti). Either way 'dmaplan'
 * resolves to this installation, wherever the plan file lives, so a plan
 * needs no package.json of its own, and the plan shares the modules the CLI
 * loaded.
 */
import { readFileSync, rmSync, writeFileSync } from 'node:fs'
import { readFile } from 'node:fs/promises'
import { createRequire, isBuiltin, register } from 'node:module'
import { runInThisContext } from 'node:vm'
import { pathToFileURL } from 'node:url'
import { basename, join } from 'node:path'
import { PACKAGE_ENTRY, PACKAGE_ROOT } from '../runtime/package-root.js'
import { loadStripper, stripTypes } from './strip-types.js'
import { tempFile } from './temp-file.js'
import type { Transform } from './strip-types.js'

let hooked = false

const forcedJiti = (): boolean => process.env.DMAPLAN_LOADER === 'jiti'

function nativeStripping(): boolean {
  const features = process.features as { typescript?: string | false }
  return typeof features.typescript === 'string'
}

/**
 * Registers the hooks a .ts plan needs: on Node with type stripping, a
 * resolve hook for 'dmaplan'; without, strip-types-hook.ts. Registering early
 * (main.ts, before a verb's modules load) lets the hook thread start while
 * the main thread works.
 */
export function hookTypeScript(): void {
  if (hooked || forcedJiti()) return
  hooked = true
  if (!nativeStripping()) {
    process.setSourceMapsEnabled(true)
    // From dist/ like the entry itself: the hook thread loads it as JavaScript.
    register(pathToFileURL(join(PACKAGE_ROOT, 'dist', 'cli', 'strip-types-hook.js')), { data: { entry: PACKAGE_ENTRY } })
    return
  }
  const target = JSON.stringify(pathToFileURL(PACKAGE_ENTRY).href)
  const hook = `export async function resolve(specifier, context, next) {
  if (specifier === 'dmaplan') return { url: ${target}, shortCircuit: true }
  return next(specifier, context)
}`
  register(`data:text/javascript,${encodeURIComponent(hook)}`)
}

export type Loader = 'node' | 'jiti'

let stripper: Promise<Transform | undefined> | undefined

/** Static imports as oxc prints them: one statement per line, the specifier in double quotes. */
const STATIC_IMPORT = /^(?:import\s*|(?:import|export)\b[^;"]*?\bfrom\s*)"([^"]*)"/gm

/**
 * Whether the stripped module runs as well from elsewhere: its static imports
 * are all 'dmaplan' or built in, and it neither imports at run time nor reads
 * import.meta (which would name the copy, not the plan).
 */
export function selfContained(code: string): boolean {
  if (/\bimport\s*\(|\bimport\.meta\b/.test(code)) return false
  for (const m of code.matchAll(STATIC_IMPORT)) {
    const specifier = m[1] as string
    if (specifier !== 'dmaplan' && !specifier.startsWith('dmaplan/') && !isBuiltin(specifier)) return false
  }
  return true
}

/**
 * The copy imports 'dmaplan' from PACKAGE_ENTRY itself: under the bundled
 * command line that entry is the bundle's, whose modules the command line
 * has loaded already. A subpath ('dmaplan/sim') is the file the package's
 * exports name for it.
 */
function importEntry(code: string): string {
  return code.replace(STATIC_IMPORT, (statement, specifier: string) => {
    if (specifier === 'dmaplan') return statement.replace('"dmaplan"', JSON.stringify(pathToFileURL(PACKAGE_ENTRY).href))
    if (!specifier.startsWith('dmaplan/')) return statement
    const target = exportedFile(specifier.slice('dmaplan'.length))
    if (target === undefined) throw Object.assign(new Error(`dmaplan exports no ${specifier}`), { code: 'ERR_MODULE_NOT_FOUND' })
    return statement.replace(JSON.stringify(specifier), JSON.stringify(pathToFileURL(target).href))
  })
}

/** The file the package's exports give a subpath ('/sim') under the default condition. */
function exportedFile(subpath: string): string | undefined {
  const manifest = JSON.parse(readFileSync(join(PACKAGE_ROOT, 'package.json'), 'utf8')) as { exports?: Record<string, string | { default?: string }> }
  const entry = manifest.exports?.[`.${subpath}`]
  const file = typeof entry === 'string' ? entry : entry?.default
  return file === undefined ? undefined : join(PACKAGE_ROOT, file)
}

/** Copies whose import has not ended: a plan that never settles is stopped by process.exit (load-plan.ts), which ends no import. */
const importing = new Set<string>()
const removeCopies = () => importing.forEach((f) => rmSync(f, { force: true }))

/**
 * The plan run in this thread from a stripped copy, an ES module of its own
 * name in the temporary directory, removed once imported; undefined where it
 * needs the hooks (see selfContained).
 */
async function importStripped(file: string, timeLimitMs: number | undefined): Promise<unknown> {
  stripper ??= loadStripper()
  const transform = await stripper
  if (transform === undefined) return undefined
  const source = await readFile(file, 'utf8')
  // A name of its own per copy and process: a plan imported again (the file changed) is a new module.
  const js = tempFile('plan', basename(file).replace(/\.m?ts$/, '.mjs'))
  try {
    const code = stripTypes(transform, file, source, js)
    if (!selfContained(code)) return undefined
    process.setSourceMapsEnabled(true)
    if (importing.size === 0) process.once('exit', removeCopies)
    importing.add(js)
    writeFileSync(js, importEntry(code))
    return await evaluate(js, timeLimitMs)
  } catch (e) {
    // An import the scan missed does not resolve from the copy (Node links before it runs any of the plan): the hooks run it.
    if ((e as { code?: string }).code === 'ERR_MODULE_NOT_FOUND') return undefined
    throw e
  } finally {
    // Node holds the module and its source map: the copy is needed no more.
    if (importing.delete(js) && importing.size === 0) process.off('exit', removeCopies)
    rmSync(js, { force: true })
  }
}

/** A plan's module still running at its time limit: a loop that never ends (load-plan.ts words it). */
export class PlanRanTooLong extends Error {
  constructor(readonly limitMs: number) {
    super(`the plan ran for ${limitMs} ms`)
  }
}

const LOAD = Symbol.for('dmaplan.loadPlanCopy')
const requireHere = createRequire(import.meta.url)

/**
 * The copy run: with a time limit, and where Node can require an ES module
 * (20.19+), synchronously inside a vm script with that timeout, because a
 * timer cannot fire while a loop holds the thread and V8's watchdog can end
 * the loop; a module with top-level await (which require() refuses before
 * running anything) is imported, and a timer limits its waiting
 * (load-plan.ts), as is any copy in a process whose stacks Node does not
 * format.
 */
async function evaluate(js: string, timeLimitMs: number | undefined): Promise<unknown> {
  // Required only where Node formats stacks itself: its source maps then place the plan's builder calls (src/dsl/source.ts); a host that formats them its own way (a test runner) maps what it imported.
  // Node's own is ErrorPrepareStackTrace (lib/internal/errors.js), or none on older releases.
  const nodeStacks = Error.prepareStackTrace === undefined || Error.prepareStackTrace.name === 'ErrorPrepareStackTrace'
  if (timeLimitMs !== undefined && nodeStacks && (process.features as { require_module?: boolean }).require_module === true) {
    const global = globalThis as Record<symbol, unknown>
    global[LOAD] = () => requireHere(js)
    try {
      return runInThisContext("globalThis[Symbol.for('dmaplan.loadPlanCopy')]()", { timeout: timeLimitMs })
    } catch (e) {
      const code = (e as { code?: string }).code
      if (code === 'ERR_SCRIPT_EXECUTION_TIMEOUT') throw new PlanRanTooLong(timeLimitMs)
      if (code !== 'ERR_REQUIRE_ASYNC_MODULE') throw e
    } finally {
      delete global[LOAD]
    }
  }
  return await import(pathToFileURL(js).href)
}

/** The plan's module, run by the first loader that can; timeLimitMs bounds a run of the stripped copy (evaluate()). */
export async function importTypeScript(file: string, timeLimitMs?: number): Promise<{ module: unknown; loader: Loader }> {
  if (!forcedJiti()) {
    const stripped = await importStripped(file, timeLimitMs)
    if (stripped !== undefined) return { module: stripped, loader: 'node' }
    hookTypeScript()
    try {
      // A query makes every load fresh: the plan runs again when the file changed.
      return { module: await import(`${pathToFileURL(file).href}?t=${Date.now()}`), loader: 'node' }
    } catch (e) {
      // Syntax Node's stripping does not erase (enums, namespaces, parameter properties), or no stripper at all: jiti transforms it.
      const code = (e as { code?: string }).code
      if (code !== 'ERR_UNSUPPORTED_TYPESCRIPT_SYNTAX' && code !== 'ERR_UNKNOWN_FILE_EXTENSION') throw e
    }
  }
  // Loaded only here: a JSON plan or a natively run one never pays for it.
  const { createJiti } = await import('jiti')
  const jiti = createJiti(import.meta.url, { alias: { dmaplan: PACKAGE_ENTRY }, moduleCache: false, fsCache: false, sourceMaps: true })
  process.setSourceMapsEnabled(true)
  return { module: await jiti.import(file), loader: 'jiti' }
}
