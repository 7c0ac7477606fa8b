/**
 * Running a .ts plan file as native ESM: with Node's own type stripping
 * where the runtime has it (Node 22.18+, process.features.typescript), else
 * through module hooks that strip types with oxc-transform
 * (strip-types-hook.ts), with jiti where neither can (a platform without
 * oxc's binding, or DMAPLAN_LOADER=jiti). Either way 'dmaplan' resolves to
 * this installation, wherever the plan file lives, so a plan needs no
 * package.json of its own, and the plan shares the modules the CLI loaded.
 */
import { register } from 'node:module'
import { pathToFileURL } from 'node:url'
import { join } from 'node:path'
import { PACKAGE_ENTRY, PACKAGE_ROOT } from './package-root.js'

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

export async function importTypeScript(file: string): Promise<{ module: unknown; loader: Loader }> {
  if (!forcedJiti()) {
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

/**
 * Running a plan the native compiler emitted (native-typecheck.ts), stack
 * frames mapped back to the .ts file through its inline source map. A plan
 * importing what the emitted copy cannot reach (a package beside the plan)
 * runs from its source instead.
 */
export async function importEmitted(js: string, file: string): Promise<unknown> {
  process.setSourceMapsEnabled(true)
  let ns: Record<string, unknown>
  try {
    ns = await import(pathToFileURL(js).href)
  } catch (e) {
    if ((e as { code?: string }).code !== 'ERR_MODULE_NOT_FOUND') throw e
    return (await importTypeScript(file)).module
  }
  return forcedJiti() ? jitiInterop(ns) : ns
}

/**
 * The module as jiti's default interop gives it, where jiti would run the
 * source: a plan reads the same whichever way it was compiled. Its default
 * is the module itself when it exports none, and a default's own function
 * default is unwrapped.
 */
function jitiInterop(ns: Record<string, unknown>): unknown {
  const given = ns.default as { default?: unknown } | null | undefined
  const value = given === null || given === undefined ? ns : typeof given.default === 'function' ? given.default : given
  return { ...ns, default: value }
}
