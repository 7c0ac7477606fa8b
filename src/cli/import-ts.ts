/**
 * Running a .ts plan file: with Node's own type stripping where the runtime
 * has it (Node 22.18+, process.features.typescript), with jiti otherwise.
 * Either way 'dmaplan' resolves to this installation, wherever the plan file
 * lives, so a plan needs no package.json of its own.
 */
import { register } from 'node:module'
import { pathToFileURL } from 'node:url'
import { createJiti } from 'jiti'
import { PACKAGE_ENTRY } from './package-root.js'

let hooked = false

function nativeStripping(): boolean {
  const features = process.features as { typescript?: string | false }
  return typeof features.typescript === 'string' && process.env.DMAPLAN_LOADER !== 'jiti'
}

/** A resolve hook that maps the bare specifier 'dmaplan' to this package. */
function hookDmaplan(): void {
  if (hooked) return
  hooked = true
  const target = JSON.stringify(pathToFileURL(PACKAGE_ENTRY).href)
  const hook = `export async function resolve(specifier, context, next) {
  if (specifier === 'dmaplan') return { url: ${target}, shortCircuit: true }
  return next(specifier, context)
}`
  register(`data:text/javascript,${encodeURIComponent(hook)}`)
}

export type Loader = 'node' | 'jiti'

export async function importTypeScript(file: string): Promise<{ module: unknown; loader: Loader }> {
  if (nativeStripping()) {
    hookDmaplan()
    try {
      // A query makes every load fresh: the plan runs again when the file changed.
      return { module: await import(`${pathToFileURL(file).href}?t=${Date.now()}`), loader: 'node' }
    } catch (e) {
      // Syntax Node's stripping does not erase (enums, namespaces, parameter properties): let jiti transform it.
      if ((e as { code?: string }).code !== 'ERR_UNSUPPORTED_TYPESCRIPT_SYNTAX') throw e
    }
  }
  const jiti = createJiti(import.meta.url, { alias: { dmaplan: PACKAGE_ENTRY }, moduleCache: false, fsCache: false, sourceMaps: true })
  process.setSourceMapsEnabled(true)
  return { module: await jiti.import(file), loader: 'jiti' }
}
