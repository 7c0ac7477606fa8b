/**
 * Many plans compiled in one program (TypeScript 6, ts-morph) and run from
 * one module (jiti): for each, the first diagnostic at type level and the
 * first finding at run time. Line i + 2 of the generated module holds case
 * i, so a diagnostic's line names its case.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { createJiti } from 'jiti'
import { Project, ts } from 'ts-morph'
import type { PlanRuleError } from '../../src/dsl/errors.js'
import { ROOT } from '../support/fixtures.js'

export interface Outcome {
  /** `TS<code> <message>` of the case's first diagnostic, or null. */
  readonly typeLevel: string | null
  /** The run-time validator's first finding, or null when the plan builds. */
  readonly runTime: { readonly rule: string; readonly text: string } | null
}

/**
 * Each code is an expression that builds a plan (a block returning one is
 * fine). The prelude, declarations every case may use (a platform's spec,
 * so the compiler types it once), follows the cases in the module.
 */
export async function compileAndRun(name: string, codes: readonly string[], prelude = ''): Promise<Outcome[]> {
  const dir = mkdtempSync(join(ROOT, `test/types/.agreement-${name}-`))
  try {
    const file = join(dir, 'cases.ts')
    writeFileSync(file, `import { platform } from 'dmaplan'\n${codes.map((c, i) => `export const c${i} = () => ${c}`).join('\n')}\n${prelude}\n`)
    const typeLevel: (string | null)[] = codes.map(() => null)
    const project = new Project({
      compilerOptions: { strict: true, noEmit: true, skipLibCheck: true, target: ts.ScriptTarget.ES2022, module: ts.ModuleKind.NodeNext, moduleResolution: ts.ModuleResolutionKind.NodeNext, types: ['node'] },
    })
    project.addSourceFileAtPath(file)
    for (const d of project.getPreEmitDiagnostics()) {
      const i = (d.getLineNumber() ?? 0) - 2
      if (i >= 0 && i < codes.length) typeLevel[i] ??= `TS${d.getCode()} ${ts.flattenDiagnosticMessageText(d.compilerObject.messageText, ' ')}`
    }
    const mod = (await createJiti(join(ROOT, 'test'), { moduleCache: false, fsCache: false }).import(file)) as Record<string, () => unknown>
    return codes.map((_, i) => {
      try {
        mod[`c${i}`]?.()
        return { typeLevel: typeLevel[i] ?? null, runTime: null }
      } catch (e) {
        if (!(e instanceof Error) || e.name !== 'PlanRuleError') throw e
        const v = (e as PlanRuleError).violations[0]
        return { typeLevel: typeLevel[i] ?? null, runTime: v === undefined ? null : { rule: v.rule, text: v.text } }
      }
    })
  } finally {
    rmSync(dir, { recursive: true, force: true })
  }
}
