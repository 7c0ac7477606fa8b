/**
 * A .ts module as JavaScript: types removed by oxc-transform, with an inline
 * source map back to the .ts file, so that stack frames (src/dsl/source.ts
 * reads them) keep the plan's own lines and columns wherever the JavaScript
 * runs from. Shared by the module hook (strip-types-hook.ts) and the loader
 * that runs a plan without one (import-ts.ts).
 */
import { dirname, relative } from 'node:path'
import { pathToFileURL } from 'node:url'

export type Transform = typeof import('oxc-transform').transformSync

/** oxc-transform's transform, or undefined where it has no binding for this platform (the caller falls back). */
export function loadStripper(): Promise<Transform | undefined> {
  return import('oxc-transform').then(
    (m) => m.transformSync,
    () => undefined,
  )
}

/**
 * The module's JavaScript with its source map inline; a SyntaxError in oxc's
 * words where the file does not parse. runsFrom: where the JavaScript is
 * written to run, if not at the file's own URL (Node resolves the map's
 * source against it, and takes an absolute URL there for a relative path).
 */
export function stripTypes(transform: Transform, file: string, source: string, runsFrom?: string): string {
  const out = transform(file, source, { lang: 'ts', sourceType: 'module', sourcemap: true })
  const error = out.errors.find((e) => e.severity === 'Error')
  // The caller words it from the TypeScript parser (load-plan.ts); the name says what it is.
  if (error !== undefined) throw new SyntaxError(error.message)
  const map = Buffer.from(JSON.stringify({ ...out.map, sources: [runsFrom === undefined ? pathToFileURL(file).href : relative(dirname(runsFrom), file)], sourcesContent: undefined })).toString('base64')
  return `${out.code}\n//# sourceMappingURL=data:application/json;base64,${map}\n`
}
