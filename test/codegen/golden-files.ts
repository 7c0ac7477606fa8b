/**
 * How generated files are kept as golden text, each distinct text once:
 * - The headers and Makefile the module target writes next to every driver
 *   are a function of the features the plan uses and its kernel, and repeat
 *   across plans: a golden names each by the SHA-256 of its text
 *   (shared/<hash>.<file>), and the text is kept once in that file.
 * - A driver's top-level pieces (the blocks between blank lines) that do
 *   not name the plan are the generator's library code (templates/module),
 *   repeated in every driver that uses them: a golden names each by its hash
 *   on a line `@library <hash> <its first line of code>`, and
 *   shared/module-library.txt holds them.
 * A changed text changes its hash, hence every golden that names it.
 */
import { createHash } from 'node:crypto'
import type { GeneratedFiles } from '../../src/codegen/index.js'

const SHARED = new Set(['dmaplan_compat.h', 'dmaplan_upstream.h', 'Makefile'])
export const LIBRARY = 'shared/module-library.txt'

export interface SharedFile {
  /** path under __golden__ */
  readonly golden: string
  readonly text: string
}

const hash = (text: string) => createHash('sha256').update(text).digest('hex').slice(0, 16)

export function sharedName(path: string, text: string): string {
  return `shared/${hash(text)}.${path}`
}

/** A driver with its library pieces named only, each added to library (hash to text). */
function driver(name: string, text: string, library: Map<string, string>): string {
  return text
    .split(/\n\n(?=\S)/)
    .map((piece) => {
      if (piece.includes(name)) return piece
      const h = hash(piece)
      library.set(h, piece)
      // The first line of code after the comment, to read the golden by.
      const code = piece.split('\n').find((l) => !/^(\/\*| \*|\/\/)/.test(l)) ?? ''
      return `@library ${h} ${code}`.trimEnd()
    })
    .join('\n\n')
}

/**
 * Several files as one golden text, the shared ones by name only; with a
 * library, also the library pieces of the drivers.
 */
export function goldenBundle(files: GeneratedFiles, library?: Map<string, string>): { readonly text: string; readonly shared: readonly SharedFile[] } {
  const shared: SharedFile[] = []
  const parts = [...files].map(([path, text]) => {
    if (SHARED.has(path)) {
      const golden = sharedName(path, text)
      shared.push({ golden, text })
      return `==> ${path} <== ${golden}\n`
    }
    const c = /^(\w+)\.c$/.exec(path)
    return `==> ${path} <==\n${library !== undefined && c?.[1] !== undefined ? driver(c[1], text, library) : text}`
  })
  return { text: parts.join('\n'), shared }
}

/** The library pieces as one golden text, in the order they were first met. */
export function libraryText(library: ReadonlyMap<string, string>): string {
  return [...library].map(([h, piece]) => `==> ${h} <==\n${piece}\n`).join('\n')
}
