/**
 * How generated files are kept as golden text. The headers and Makefile the
 * module target writes next to every driver are a function of the features
 * the plan uses and its kernel, and repeat across plans: a golden names each
 * by the SHA-256 of its text (shared/<hash>.<file>), and the text is kept
 * once in that file. A changed header changes its hash, hence every golden
 * that names it.
 */
import { createHash } from 'node:crypto'
import type { GeneratedFiles } from '../../src/codegen/index.js'

const SHARED = new Set(['dmaplan_compat.h', 'dmaplan_upstream.h', 'Makefile'])

export interface SharedFile {
  /** path under __golden__ */
  readonly golden: string
  readonly text: string
}

export function sharedName(path: string, text: string): string {
  return `shared/${createHash('sha256').update(text).digest('hex').slice(0, 16)}.${path}`
}

/** Several files as one golden text, the shared ones by name only. */
export function goldenBundle(files: GeneratedFiles): { readonly text: string; readonly shared: readonly SharedFile[] } {
  const shared: SharedFile[] = []
  const parts = [...files].map(([path, text]) => {
    if (!SHARED.has(path)) return `==> ${path} <==\n${text}`
    const golden = sharedName(path, text)
    shared.push({ golden, text })
    return `==> ${path} <== ${golden}\n`
  })
  return { text: parts.join('\n'), shared }
}
