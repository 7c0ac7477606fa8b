/**
 * A real TypeScript language service over plan files, with dmaplan's plugin
 * applied through its factory as tsserver applies it: files live in memory
 * (a test edits them), 'dmaplan' resolves to this repository's sources.
 */
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import ts from 'typescript'
import { init } from '../../src/plugin/index.js'
import type { PluginConfig, PluginModules } from '../../src/plugin/index.js'
import { ROOT } from './fixtures.js'

export interface PlanService {
  readonly ls: ts.LanguageService
  readonly plain: ts.LanguageService
  /** Replace a file's text (a new version). */
  set(file: string, text: string): void
  text(file: string): string
  /** The offset just after the n-th (from 0) occurrence of `needle` in a file. */
  after(file: string, needle: string, n?: number): number
}

/** With `config`, the plugin's options; by default no simulation runs (the fast tier spawns no command line). */
export function planService(files: readonly string[], typescript: typeof ts = ts, config: PluginConfig = { simulate: false }): PlanService {
  const texts = new Map<string, { text: string; version: number }>()
  for (const f of files) texts.set(f, { text: readFileSync(f, 'utf8'), version: 1 })
  const options: ts.CompilerOptions = {
    strict: true,
    noEmit: true,
    skipLibCheck: true,
    target: typescript.ScriptTarget.ES2022,
    module: typescript.ModuleKind.NodeNext,
    moduleResolution: typescript.ModuleResolutionKind.NodeNext,
    types: [],
    paths: { dmaplan: [join(ROOT, 'src/index.ts')] },
  }
  const host: ts.LanguageServiceHost = {
    getCompilationSettings: () => options,
    getScriptFileNames: () => [...texts.keys()],
    getScriptVersion: (f) => String(texts.get(f)?.version ?? 0),
    getScriptSnapshot: (f) => {
      const t = texts.get(f)?.text ?? (typescript.sys.fileExists(f) ? typescript.sys.readFile(f) : undefined)
      return t === undefined ? undefined : typescript.ScriptSnapshot.fromString(t)
    },
    getCurrentDirectory: () => ROOT,
    getDefaultLibFileName: (o) => typescript.getDefaultLibFilePath(o),
    fileExists: (f) => texts.has(f) || typescript.sys.fileExists(f),
    readFile: (f) => texts.get(f)?.text ?? typescript.sys.readFile(f),
    readDirectory: typescript.sys.readDirectory,
    directoryExists: typescript.sys.directoryExists,
    getDirectories: typescript.sys.getDirectories,
  }
  const plain = typescript.createLanguageService(host, typescript.createDocumentRegistry())
  const info = { languageService: plain, languageServiceHost: host, config } as unknown as ts.server.PluginCreateInfo
  // The default import is the module object tsserver passes, typed here without its default.
  const decorated = init({ typescript: typescript as unknown as PluginModules['typescript'] }).create(info)
  const text = (f: string): string => (texts.get(f) as { text: string }).text
  return {
    ls: decorated,
    plain,
    set(file, t) {
      texts.set(file, { text: t, version: (texts.get(file)?.version ?? 0) + 1 })
    },
    text,
    after(file, needle, n = 0) {
      let i = -1
      for (let k = 0; k <= n; k++) {
        i = text(file).indexOf(needle, i + 1)
        if (i < 0) throw new Error(`${needle} not in ${file}`)
      }
      return i + needle.length
    },
  }
}
