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
import { loadStripper, stripTypes } from './strip-types.js'
import type { Transform } from './strip-types.js'

let entry = ''
/** Loaded on the first .ts file, not in initialize: register() waits for initialize, not for this. */
let stripper: Promise<Transform | undefined> | undefined

export const initialize: InitializeHook<{ entry: string }> = (data) => {
  entry = data.entry
  // Started now so that it loads while the main thread loads the verb's modules; without a binding for this
  // platform, .ts stays unknown to Node and import-ts.ts falls back to jiti.
  stripper = loadStripper()
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
  return { format: 'module', source: stripTypes(transform, file, await readFile(file, 'utf8')), shortCircuit: true }
}
