/**
 * Completions inside a builder call's string literals: the transaction names,
 * strategies and directions valid at that point (a strategy the platform
 * allows in that direction and that maps every region's kind). The compiler's own list
 * there comes from the parameter types, whose members are the current
 * literal and the rules' sentences; a sentence is never offered.
 */
import type * as TS from 'typescript'
import { DIRECTIONS } from '../plan/ir.js'
import { STRATEGY_NAMES } from '../strategies/index.js'
import { allowedPairs } from './context.js'
import { strategiesFor } from './strategies.js'
import { asBuilderCall, chainCalls, chainTop, literalProperty, nodeAt, transactions, TX_METHODS } from './syntax.js'
import type { BuilderCall } from './syntax.js'

const SENTENCE = /^R\d+: /

export function completions(
  ts: typeof TS,
  program: TS.Program,
  fileName: string,
  pos: number,
  prior: TS.CompletionInfo | undefined,
): TS.CompletionInfo | undefined {
  const sf = program.getSourceFile(fileName)
  const at = sf === undefined ? undefined : nodeAt(ts, sf, pos)
  const node = at !== undefined && ts.isStringLiteral(at) ? at : undefined
  const names = node === undefined ? undefined : validNames(ts, program.getTypeChecker(), node)
  if (names === undefined || node === undefined) {
    if (prior === undefined) return undefined
    return { ...prior, entries: prior.entries.filter((e) => !SENTENCE.test(e.name)) }
  }
  const span = { start: node.getStart() + 1, length: node.text.length }
  const entries: TS.CompletionEntry[] = names.map((name, i) => ({
    name,
    kind: ts.ScriptElementKind.string,
    kindModifiers: '',
    sortText: String(i).padStart(3, '0'),
    replacementSpan: span,
  }))
  return { isGlobalCompletion: false, isMemberCompletion: false, isNewIdentifierLocation: false, entries }
}

/** What may stand in a string literal of a builder call, or undefined when it is none of those. */
function validNames(ts: typeof TS, checker: TS.TypeChecker, lit: TS.StringLiteral): string[] | undefined {
  const parent = lit.parent
  if (ts.isPropertyAssignment(parent) && ts.isIdentifier(parent.name) && ts.isObjectLiteralExpression(parent.parent)) {
    const call = parent.parent.parent === undefined ? undefined : asBuilderCall(ts, parent.parent.parent)
    if (call?.method !== 'transaction' || call.call.arguments[1] !== parent.parent) return undefined
    const pairs = allowedPairs(ts, checker, call.receiver)
    if (parent.name.text === 'strategy') {
      const dir = literalProperty(ts, parent.parent, 'dir')?.text
      const mapsAll = strategiesFor(ts, checker, call, dir)
      if (mapsAll !== undefined) return mapsAll.map((d) => d.name)
      const ok = pairs?.filter(([, d]) => dir === undefined || !DIRECTIONS.includes(dir as never) || d === dir).map(([s]) => s)
      return STRATEGY_NAMES.filter((s) => ok === undefined || ok.includes(s))
    }
    if (parent.name.text === 'dir') {
      const st = literalProperty(ts, parent.parent, 'strategy')?.text
      const ok = pairs?.filter(([s]) => st === undefined || !STRATEGY_NAMES.includes(st as never) || s === st).map(([, d]) => d)
      return DIRECTIONS.filter((d) => ok === undefined || ok.includes(d))
    }
    return undefined
  }
  const call = asBuilderCall(ts, parent)
  if (call === undefined || !TX_METHODS.has(call.method) || call.call.arguments[0] !== lit) return undefined
  return liveTransactions(ts, call)
}

/**
 * The transactions mapped before this call and not yet unmapped, that the
 * method applies to: the device writes through a from-device or
 * bidirectional mapping, reads through a to-device or bidirectional one
 * (R7); HMM steps take an hmm transaction, unlink an iova one (R8).
 */
function liveTransactions(ts: typeof TS, at: BuilderCall): string[] {
  const calls = chainCalls(ts, chainTop(ts, at.call))
  const before = calls.slice(0, calls.findIndex((c) => c.call === at.call))
  const live = new Map(transactions(ts, before).map((t) => [t.name, t]))
  for (const c of before) {
    const a = c.call.arguments[0]
    if ((c.method === 'unmap' || c.method === 'keep') && a !== undefined && ts.isStringLiteral(a)) live.delete(a.text)
  }
  const fits = (strategy: string | undefined, dir: string | undefined): boolean => {
    switch (at.method) {
      case 'deviceWrites':
        return dir !== 'to-device'
      case 'deviceReads':
        return dir !== 'from-device'
      case 'hmmFault':
      case 'hmmInvalidate':
        return strategy === 'hmm'
      case 'unlink':
        return strategy === 'iova'
      default:
        return true
    }
  }
  return [...live.values()].filter((t) => fits(t.strategy?.text, t.dir?.text)).map((t) => t.name)
}
