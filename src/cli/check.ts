/**
 * dmaplan check <files...>: type-check plan files and validate them at run
 * time; print each violation as `file:line:col rule-id sentence`.
 */
import { extname, resolve } from 'node:path'
import { EXIT, InputError } from './errors.js'
import { loadPlanFile } from './load-plan.js'
import type { Located } from './load-plan.js'
import type { Output } from './output.js'
import { progress } from './progress.js'
import { typecheckPlan } from './typecheck.js'
import { withoutRuleId } from '../plan/rules/sentence.js'

export async function check(files: readonly string[], out: Output): Promise<number> {
  const typed = files.filter((f) => extname(f) === '.ts' || extname(f) === '.mts')
  const results: { file: string; violations: Located[] }[] = []
  let status: number = EXIT.clean
  for (const file of files) {
    try {
      const loaded = await loadPlanFile(resolve(file))
      let typeViolations: Located[] = []
      if (typed.includes(file)) {
        // The compiler takes a second or two to start: say so on a terminal.
        const shown = progress(`type-checking ${file}`, process.stderr, 0)
        shown.update(0)
        try {
          typeViolations = typecheckPlan([resolve(file)]).get(resolve(file)) ?? []
        } finally {
          shown.done()
        }
      }
      // The run time repeats what the types said: report each broken rule once, preferring the compiler's location.
      const runtime = loaded.violations.filter((v) => !typeViolations.some((t) => t.rule === v.rule && t.message.startsWith(v.message.slice(0, 60))))
      const violations = [...typeViolations, ...runtime]
      results.push({ file, violations })
      if (violations.length > 0) status = Math.max(status, EXIT.defect)
    } catch (e) {
      if (!(e instanceof InputError)) throw e
      out.error(e.message)
      status = EXIT.input
    }
  }
  if (out.json) out.print(JSON.stringify({ files: results }, null, 2))
  else for (const r of results) for (const v of r.violations) out.print(`${v.where} ${v.rule} ${withoutRuleId(v.rule, v.message)}`)
  return status
}
