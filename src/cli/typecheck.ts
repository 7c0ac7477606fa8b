/**
 * Type-checking a plan file with the TypeScript 6 compiler API (through
 * ts-morph, which bundles its own compiler) where the native compiler is not
 * installed (native-typecheck.ts): the rules' type-level sentences
 * come back as diagnostics at the offending call. 'dmaplan' resolves to this
 * installation, wherever the plan file lives.
 */
import { Project, ts } from 'ts-morph'
import { fromDiagnostic } from './diagnostic-rule.js'
import { InputError } from './errors.js'
import type { Located } from './location.js'
import { showPath } from './location.js'
import { planCompilerOptions } from './plan-tsconfig.js'

export function typecheckPlan(files: readonly string[]): Map<string, Located[]> {
  const project = new Project({ compilerOptions: ts.convertCompilerOptionsFromJson({ ...planCompilerOptions(), noEmit: true }, process.cwd()).options })
  const sources = files.map((f) => project.addSourceFileAtPath(f))
  const out = new Map<string, Located[]>()
  for (const sf of sources) {
    const file = sf.getFilePath()
    const shown = showPath(file)
    const syntax = project.getProgram().compilerObject.getSyntacticDiagnostics(sf.compilerNode)
    const first = syntax[0]
    if (first) {
      const pos = sf.getLineAndColumnAtPos(first.start ?? 0)
      throw new InputError(`${shown}:${pos.line}:${pos.column} has a syntax error: ${ts.flattenDiagnosticMessageText(first.messageText, ' ')}`)
    }
    const diags = project.getProgram().compilerObject.getSemanticDiagnostics(sf.compilerNode)
    out.set(
      file,
      diags.map((d) => {
        const pos = sf.getLineAndColumnAtPos(d.start ?? 0)
        return fromDiagnostic(`${shown}:${pos.line}:${pos.column}`, d.code, ts.flattenDiagnosticMessageText(d.messageText, '\n'))
      }),
    )
  }
  return out
}

/** The first syntax error of a TypeScript file, located (the TypeScript parser alone, no program). */
export function firstSyntaxError(file: string, text: string): string | undefined {
  const sf = ts.createSourceFile(file, text, ts.ScriptTarget.ES2022, false, ts.ScriptKind.TS)
  const diags = (sf as unknown as { parseDiagnostics?: readonly ts.DiagnosticWithLocation[] }).parseDiagnostics ?? []
  const first = diags[0]
  if (first === undefined) return undefined
  const pos = sf.getLineAndCharacterOfPosition(first.start)
  return `${showPath(file)}:${pos.line + 1}:${pos.character + 1} has a syntax error: ${ts.flattenDiagnosticMessageText(first.messageText, ' ')}`
}
