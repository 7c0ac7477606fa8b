/**
 * Module hooks that run a .ts plan as native ESM where the runtime strips no
 * types (Node 20; import-ts.ts registers them): 'dmaplan' resolves to this
 * installation, so the plan shares the modules the CLI already loaded, and a
 * .ts file loads with its types removed by oxc-transform. An inline source
 * map keeps the plan's stack frames at its own lines and columns
 * (src/dsl/source.ts reads them).
 */
import { readFile } from 'node:fs/promises'
import { fileURLToPath, pathToFileURL } from 'node:url'
import type { InitializeHook, LoadHook, ResolveHook } from 'node:module'

type Transform = typeof import('oxc-transform').transformSync

let entry = ''
/** Loaded on the first .ts file, not in initialize: register() waits for initialize, not for this. */
let stripper: Promise<Transform | undefined> | undefined

export const initialize: InitializeHook<{ entry: string }> = (data) => {
  entry = data.entry
  // Started now so that it loads while the main thread loads the verb's modules.
  stripper = import('oxc-transform').then(
    (m) => m.transformSync,
    () => undefined, // no binding for this platform: .ts stays unknown to Node and import-ts.ts falls back to jiti
  )
}

export const resolve: ResolveHook = (specifier, context, next) => {
  if (specifier === 'dmaplan') return { url: pathToFileURL(entry).href, shortCircuit: true }
  return next(specifier, context)
}

const TS = /\.(?:m?ts)(?:\?.*)?$/

export const load: LoadHook = async (url, context, next) => {
  if (!url.startsWith('file:') || !TS.test(url)) return next(url, context)
  const transform = await stripper
  if (transform === undefined) return next(url, context)
  const file = fileURLToPath(url.replace(/\?.*$/, ''))
  const source = await readFile(file, 'utf8')
  const out = transform(file, source, { lang: 'ts', sourceType: 'module', sourcemap: true })
  const error = out.errors.find((e) => e.severity === 'Error')
  if (error !== undefined) {
    // The caller words it from the TypeScript parser (load-plan.ts); the name says what it is.
    throw new SyntaxError(error.message)
  }
  const map = Buffer.from(JSON.stringify({ ...out.map, sources: [pathToFileURL(file).href], sourcesContent: undefined })).toString('base64')
  return { format: 'module', source: `${out.code}\n//# sourceMappingURL=data:application/json;base64,${map}\n`, shortCircuit: true }
}
