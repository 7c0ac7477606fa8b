/**
 * Reading a plan file: JSON through the IR schema, TypeScript by running it
 * (import-ts.ts strips its types) and taking its default export. Whatever goes
 * wrong becomes one sentence that names the file: an InputError for input
 * that is not a plan, the rule sentences (with their locations) for a plan
 * that breaks a rule.
 */
import { readFile, stat } from 'node:fs/promises'
import { extname, resolve } from 'node:path'
import { isBuilt } from '../dsl/built.js'
import { captureSource, frameAt } from '../dsl/source.js'
import type { Plan } from '../plan/ir.js'
import { PLAN_FORMAT } from '../plan/ir.js'
import { decodePlan, encodePlan } from '../plan/load.js'
import { validatePlan } from '../plan/rules/validate.js'
import type { Violation } from '../plan/rules/validate.js'
import { InputError } from './errors.js'
import { scanJson } from './json-positions.js'
import type { Positions } from './json-positions.js'
import { parseAt, showAt, showPath } from './location.js'
import type { Located } from './location.js'
import { importTypeScript, PlanRanTooLong } from './import-ts.js'
import { focusPosition } from './call-arguments.js'
import { STEP_METHODS } from '../dsl/step-methods.js'
import { withoutRuleId } from '../plan/rules/sentence.js'
import { printable } from './printable.js'

/** A broken rule, located. */
export type { Located } from './location.js'

export interface LoadedPlan {
  readonly file: string
  /** Present when the plan breaks no rule. */
  readonly plan?: Plan
  readonly violations: readonly Located[]
}

export async function loadPlanFile(path: string): Promise<LoadedPlan> {
  const file = resolve(path)
  const shown = showPath(file)
  let info
  try {
    info = await stat(file)
  } catch {
    throw new InputError(`${shown}: no such file`)
  }
  if (info.isDirectory()) throw new InputError(`${shown} is a directory, not a plan file`)
  const ext = extname(file)
  if (ext === '.json') return loadJson(file, shown)
  if (ext === '.ts' || ext === '.mts') return loadTypeScript(file, shown)
  throw new InputError(`${shown}: a plan is a .ts or .json file`)
}

async function loadJson(file: string, shown: string): Promise<LoadedPlan> {
  let text: string
  try {
    text = await readFile(file, 'utf8')
  } catch (e) {
    throw new InputError(`${shown} cannot be read (${(e as NodeJS.ErrnoException).code ?? 'error'})`)
  }
  if (text.charCodeAt(0) === 0xfeff) text = text.slice(1) // a byte-order mark some editors write
  if (text.trim() === '') throw new InputError(`${shown} is empty; a plan is a JSON object`, { why: 'json' })
  let json: unknown
  try {
    json = JSON.parse(text)
  } catch (e) {
    // V8's message quotes the text around the fault, control characters included.
    throw new InputError(`${shown} is not valid JSON: ${printable((e as Error).message)}`, { why: 'json' })
  }
  // Keys first; positions only when something is to be located: a clean plan of 100,000 regions is scanned once, lightly.
  const { duplicate } = scanJson(text, false)
  if (duplicate !== undefined) {
    const where = `${shown}:${duplicate.line}:${duplicate.column}`
    throw new InputError(`${where}: ${duplicate.path}: the key "${duplicate.key}" is written twice in one object (JSON keeps only the last); write it once`, { where, why: 'json' })
  }
  let positions: Positions | undefined
  const at = (path: string) => {
    positions ??= scanJson(text).positions
    for (let p = path; ; p = p.slice(0, Math.max(0, p.lastIndexOf('.')))) {
      const pos = positions.get(p)
      if (pos) return `${shown}:${pos.line}:${pos.column}`
      if (p === '') return `${shown}:1:1`
    }
  }
  const decoded = decodePlan(json)
  if (!decoded.ok) {
    const first = decoded.issues[0]
    const where = at(first?.path ?? '')
    throw new InputError(`${where}: ${first?.path ? `${first.path}: ` : ''}${first?.message ?? 'not a plan'}${andMore(decoded.issues.length)}`, { where, why: 'shape' })
  }
  const violations = validatePlan(decoded.plan).map((v) => located(v, at(`steps.${Math.min(v.step, decoded.plan.steps.length - 1)}`)))
  return violations.length ? { file, violations } : { file, plan: decoded.plan, violations }
}

/** How long a plan's module may take to build its plan (DMAPLAN_PLAN_TIMEOUT_MS), in ms. */
const PLAN_TIME_LIMIT_MS = Number(process.env.DMAPLAN_PLAN_TIMEOUT_MS ?? 30_000)

/** A plan's module still running at the limit: by the timer (a wait) or V8's watchdog (a loop, import-ts.ts). */
function tooLong(shown: string, limitMs: number, likely: string): InputError {
  return new InputError(`${shown} did not finish building its plan in ${limitMs / 1000} s (${likely})`, { why: 'threw' })
}

/** A plan's module called process.exit() while it ran: the verb reports it instead of ending there. */
class PlanExited extends Error {
  constructor(readonly code: unknown) {
    super('process.exit')
  }
}

/**
 * A plan's module running: what it prints goes to standard error (standard
 * output is the verb's: `simulate --json` is one JSON document); a call of
 * process.exit() is an error of the plan, not the end of the verb (check
 * has its type errors to report); a module that never settles (a top-level
 * await on nothing) is given up after PLAN_TIME_LIMIT_MS, where Node would
 * otherwise exit 13 with nothing said.
 */
async function whilePlanRuns<T>(shown: string, run: () => Promise<T>): Promise<T> {
  const write = process.stdout.write
  const exit = process.exit
  process.stdout.write = process.stderr.write.bind(process.stderr) as typeof process.stdout.write
  process.exit = ((code?: unknown) => {
    throw new PlanExited(code)
  }) as typeof process.exit
  let timer: NodeJS.Timeout | undefined
  const limit = new Promise<never>((_, reject) => {
    timer = setTimeout(
      () => reject(tooLong(shown, PLAN_TIME_LIMIT_MS, 'a top-level await that never settles?')),
      PLAN_TIME_LIMIT_MS,
    )
  })
  try {
    return await Promise.race([run(), limit])
  } catch (e) {
    if (e instanceof PlanRanTooLong) throw tooLong(shown, e.limitMs, 'a loop that never ends?')
    if (e instanceof PlanExited) throw new InputError(`${shown} calls process.exit(${e.code === undefined ? '' : String(e.code)}) while it builds its plan; a plan module only exports its plan`, { why: 'threw' })
    throw e
  } finally {
    clearTimeout(timer)
    process.stdout.write = write
    process.exit = exit
  }
}

async function loadTypeScript(file: string, shown: string): Promise<LoadedPlan> {
  captureSource(true)
  let mod: unknown
  try {
    mod = await whilePlanRuns(shown, async () => (await importTypeScript(file, PLAN_TIME_LIMIT_MS)).module)
  } catch (e) {
    if (e instanceof InputError) throw e
    return await fromThrown(e, file, shown)
  } finally {
    captureSource(false)
  }
  const plan = (mod as { default?: unknown } | undefined)?.default
  if (plan === undefined) throw new InputError(`${shown} exports no plan; end it with export default <builder>.build()`, { why: 'export' })
  // build() decoded and validated it, and threw for any rule it breaks.
  if (isBuilt(plan)) return { file, plan, violations: [] }
  if (typeof plan !== 'object' || plan === null || (plan as { format?: unknown }).format !== PLAN_FORMAT)
    throw new InputError(`${shown}: its default export is not a plan; export the result of .build()`, { why: 'export' })
  // A plan object can be hand-made: give it the same checks as a JSON plan.
  let json: unknown
  try {
    json = encodePlan(plan as Plan)
  } catch {
    throw new InputError(`${shown}: its default export is not a plan; export the result of .build()`, { why: 'export' })
  }
  const decoded = decodePlan(json)
  if (!decoded.ok) throw new InputError(`${shown}: ${decoded.issues[0]?.path}: ${decoded.issues[0]?.message}`, { why: 'shape' })
  const violations = await locatedInSource(validatePlan(decoded.plan), shown)
  return violations.length ? { file, violations } : { file, plan: decoded.plan, violations }
}

/**
 * Violations at the argument the type-level check marks (call-arguments.ts),
 * read from the source their builder calls were written in: the same
 * line:col tsc gives, whichever loader ran the plan.
 */
export async function locatedInSource(violations: readonly Violation[], shown: string): Promise<Located[]> {
  const sources = new Map<string, Promise<string | undefined>>()
  const read = (path: string) => {
    let text = sources.get(path)
    if (text === undefined) sources.set(path, (text = readFile(path, 'utf8').catch(() => undefined)))
    return text
  }
  return Promise.all(
    violations.map(async (v) => {
      const at = parseAt(v.at)
      if (at === undefined) return located(v, showAt(v.at, shown))
      const source = await read(at.file)
      const p = source === undefined ? undefined : focusPosition(source, at, STEP_METHODS[v.op], v.focus ?? [])
      return located(v, showAt(p ? `${at.file}:${p.line}:${p.column}` : v.at, shown))
    }),
  )
}

async function fromThrown(e: unknown, file: string, shown: string): Promise<LoadedPlan> {
  const err = e as { name?: string; code?: string; message?: string; stack?: string; at?: string; violations?: readonly Violation[]; issues?: readonly unknown[] }
  if (err?.name === 'PlanRuleError' && err.violations) return { file, violations: await locatedInSource(err.violations, shown) }
  if (err?.name === 'PlanShapeError' && err.issues) {
    const where = showAt(err.at ?? frameIn(err.stack, file), shown)
    const sentence = String(err.issues[0])
    throw new InputError(`${where}: ${sentence}${andMore(err.issues.length)}`, { where, why: 'shape', sentence })
  }
  const message = oneLine(err)
  if (err?.name === 'SyntaxError' || /Unexpected token|ParseError|SyntaxError/.test(message)) {
    // Loaders word syntax errors differently and some give no position: ask the TypeScript parser.
    const { firstSyntaxError } = await import('./typecheck.js')
    throw new InputError(firstSyntaxError(file, await readFile(file, 'utf8')) ?? `${shown} has a syntax error: ${message}`, { why: 'syntax' })
  }
  const missing = message.match(/^Cannot find (?:module|package) '([^']+)'/)
  if (err?.code === 'ERR_MODULE_NOT_FOUND' || missing)
    throw new InputError(`${shown} imports ${missing ? `'${missing[1]}'` : 'a module'}, which cannot be found`, { why: 'import' })
  const where = showAt(frameIn(err?.stack, file), shown)
  throw new InputError(`${where} threw while building its plan: ${message}`, { where, why: 'threw' })
}

/** The first frame of a stack that is in the plan file: where its code threw. */
function frameIn(stack: string | undefined, file: string): string | undefined {
  for (const line of stack?.split('\n') ?? []) {
    const at = frameAt(line)
    if (at?.file === file) return `${at.file}:${at.line}:${at.column}`
  }
  return undefined
}

/** An error's message on one line; a schema library's list of issues as its first issue. */
function oneLine(err: { name?: string; message?: string; issues?: readonly unknown[] } | undefined): string {
  const issue = err?.name === 'ZodError' ? (err.issues?.[0] as { path?: readonly unknown[]; message?: string } | undefined) : undefined
  if (issue?.message !== undefined) return `${issue.path?.length ? `${issue.path.join('.')}: ` : ''}${issue.message}${andMore(err?.issues?.length ?? 1)}`
  return String(err?.message ?? err)
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => l !== '')
    .join(' ')
}

const andMore = (n: number): string => (n > 1 ? ` (and ${n - 1} more problem${n > 2 ? 's' : ''})` : '')

/** A violation as every verb prints it: file:line:col, the rule, its sentence. */
export function violationLine(v: Located): string {
  return `${v.where} ${v.rule} ${withoutRuleId(v.rule, v.message)}`
}

function located(v: Violation, where: string): Located {
  return { where, rule: v.rule, message: v.text }
}
