/**
 * Where the running installation is. Every path into the package (templates/,
 * package.json, the entry a plan imports) is taken from here, so that it holds
 * wherever this module runs from: dist/runtime/ in the package's modules,
 * dist/bundle/ in the command line's bundle (scripts/bundle.mjs), src/runtime/
 * under the tests. All three are two levels below the package.
 */
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'

/**
 * The bundle's own entry, relative to the package, which scripts/bundle.mjs
 * writes in place of this name. A plan run by the bundled command line
 * imports 'dmaplan' from it and so shares the modules the command line
 * loaded, not a second copy of them.
 */
declare const DMAPLAN_BUNDLE_ENTRY: string | undefined

export const PACKAGE_ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', '..')
export const PACKAGE_ENTRY = join(PACKAGE_ROOT, typeof DMAPLAN_BUNDLE_ENTRY === 'string' ? DMAPLAN_BUNDLE_ENTRY : join('dist', 'index.js'))
export const PACKAGE_TYPES = join(PACKAGE_ROOT, 'dist', 'index.d.ts')
