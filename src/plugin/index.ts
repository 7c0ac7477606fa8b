/**
 * dmaplan's TypeScript language-service plugin (src/plugin/README.md): tsserver
 * `require()`s this module and calls the factory with its own `typescript`
 * module, the only one used here (the plugin never imports typescript: the
 * editor's TypeScript is the one whose trees and checker it reads).
 */
import type * as TS from 'typescript'
import { completions } from './completions.js'
import { rewriteDiagnostics } from './diagnostics.js'
import { codeFixes } from './fixes.js'
import { quickInfo } from './hover.js'
import type { SimulatedAt } from './hover.js'
import { PlanSimulations } from './simulation.js'

export interface PluginModules {
  readonly typescript: typeof TS
}

/** The plugin's options, from its entry in tsconfig `plugins`. */
export interface PluginConfig {
  /** Run the saved plan through `dmaplan simulate` for the hover's summary line (default true). */
  readonly simulate?: boolean
}

/**
 * The language service decorated: every method passes through except those
 * dmaplan answers. With `simulations`, a plan the rules accept is simulated
 * as saved, and hovers carry the run's summary line.
 */
export function decorate(ts: typeof TS, ls: TS.LanguageService, simulations?: PlanSimulations): TS.LanguageService {
  const proxy: TS.LanguageService = Object.create(null)
  for (const k of Object.keys(ls) as Array<keyof TS.LanguageService>) {
    const f = ls[k] as unknown
    if (typeof f === 'function') (proxy as unknown as Record<string, unknown>)[k] = (...args: unknown[]) => (f as (...a: unknown[]) => unknown).apply(ls, args)
  }
  const program = (): TS.Program | undefined => ls.getProgram()
  const text = (fileName: string): string | undefined => program()?.getSourceFile(fileName)?.text
  proxy.getSemanticDiagnostics = (fileName) => {
    const diags = ls.getSemanticDiagnostics(fileName)
    const p = program()
    if (p === undefined) return diags
    const ours = rewriteDiagnostics(ts, p, fileName, diags)
    // The editor asks for these after every edit: a plan the compiler accepts is simulated now, before any hover.
    const t = text(fileName)
    if (simulations !== undefined && t !== undefined && ours.length === 0 && ls.getSyntacticDiagnostics(fileName).length === 0) simulations.request(fileName, t)
    return ours
  }
  proxy.getCompletionsAtPosition = (fileName, pos, options, formatting) => {
    const prior = ls.getCompletionsAtPosition(fileName, pos, options, formatting)
    const p = program()
    return p === undefined ? prior : completions(ts, p, fileName, pos, prior)
  }
  proxy.getQuickInfoAtPosition = (fileName, pos, maximumLength) => {
    const prior = ls.getQuickInfoAtPosition(fileName, pos, maximumLength)
    const p = program()
    if (p === undefined) return prior
    // The rule a diagnostic inside the call names (the plugin's own rewrite, so the sentence comes first).
    const ruleAt = (start: number, end: number): string | undefined => {
      const d = proxy.getSemanticDiagnostics(fileName).find((x) => x.start !== undefined && x.start >= start && x.start < end)
      const text = d === undefined ? undefined : ts.flattenDiagnosticMessageText(d.messageText, '\n')
      return text !== undefined && /^R\d+: /.test(text) ? text : undefined
    }
    const t = text(fileName)
    const simulated: SimulatedAt | undefined = simulations === undefined || t === undefined ? undefined : (target) => simulations.summary(fileName, t, target)
    return quickInfo(ts, p, fileName, pos, prior, ruleAt, simulated)
  }
  proxy.getCodeFixesAtPosition = (fileName, start, end, errorCodes, formatOptions, preferences) => {
    const prior = ls.getCodeFixesAtPosition(fileName, start, end, errorCodes, formatOptions, preferences)
    const p = program()
    if (p === undefined) return prior
    const ours = proxy
      .getSemanticDiagnostics(fileName)
      .filter((d) => d.start !== undefined && d.start <= end && d.start + (d.length ?? 0) >= start && errorCodes.includes(d.code))
      .flatMap((d) => codeFixes(ts, p, fileName, d))
    return [...ours, ...prior]
  }
  return proxy
}

/** The plugin factory tsserver calls. */
export function init(modules: PluginModules): TS.server.PluginModule {
  const ts = modules.typescript
  return {
    create: (info) => {
      const config = (info.config ?? {}) as PluginConfig
      return decorate(ts, info.languageService, config.simulate === false ? undefined : new PlanSimulations())
    },
  }
}

export default init
// tsserver require()s the package's plugin entry and wants the factory itself as the module's value.
export { init as 'module.exports' }
