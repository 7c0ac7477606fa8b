/**
 * A rule's diagnostic as the editor shows it: the sentence first (the
 * compiler's text starts with the type it could not assign, which pushes the
 * advice out of a Problems panel), a link to `dmaplan explain Rn`, "did you
 * mean" for a misspelt transaction, strategy or direction, and no follow-on
 * at `build()` when an earlier diagnostic of the same chain explains it.
 */
import type * as TS from 'typescript'
import { DIRECTIONS } from '../plan/ir.js'
import { checkOneOf, identifierLike, nearest, QUOTED_NAME_SENTENCE } from '../plan/names.js'
import { STRATEGY_NAMES } from '../strategies/index.js'
import { asBuilderCall, chainCalls, chainTop, nodeAt, transactions, TX_METHODS } from './syntax.js'

/** The rule's sentence is the string literal type the compiler quotes: "Rn: ..." (sentences never contain a double quote). */
export const RULE_SENTENCE = /"(R\d+): ([^"]*)"/

/** The rule a diagnostic (as the plugin rewrote it) is about, if any. */
export function ruleOf(ts: typeof TS, d: TS.Diagnostic): string | undefined {
  return ts.flattenDiagnosticMessageText(d.messageText, '\n').match(/^(R\d+): /)?.[1]
}

export function explainLink(rule: string): string {
  return `dmaplan explain ${rule}: the rule in plain words, the kernel code behind it, what to do.`
}

export function rewriteDiagnostics(ts: typeof TS, program: TS.Program, fileName: string, diags: readonly TS.Diagnostic[]): TS.Diagnostic[] {
  const sf = program.getSourceFile(fileName)
  if (sf === undefined) return [...diags]
  const out = diags.map((d) => rewriteOne(ts, sf, d))
  return out.filter((d) => !isFollowOn(ts, sf, d, out))
}

function rewriteOne(ts: typeof TS, sf: TS.SourceFile, d: TS.Diagnostic): TS.Diagnostic {
  if (d.start === undefined) return d
  const text = ts.flattenDiagnosticMessageText(d.messageText, '\n')
  const node = nodeAt(ts, sf, d.start)
  const literal = misspeltLiteral(ts, node)
  if (literal !== undefined) return { ...d, messageText: literal, source: 'dmaplan' }
  const m = text.match(RULE_SENTENCE)
  if (m === null) {
    const named = nameSentence(ts, node, text)
    return named === undefined ? d : { ...d, messageText: named, source: 'dmaplan' }
  }
  const rule = m[1] as string
  const sentence = `${rule}: ${m[2] as string}${didYouMean(ts, sf, node)}`
  const link: TS.DiagnosticRelatedInformation = {
    category: ts.DiagnosticCategory.Message,
    code: d.code,
    file: sf,
    start: d.start,
    length: d.length ?? 0,
    messageText: explainLink(rule),
  }
  return { ...d, messageText: sentence, source: 'dmaplan', relatedInformation: [...(d.relatedInformation ?? []), link] }
}

/** A strategy or direction literal that is none: the run-time sentence, which names the nearest one. */
function misspeltLiteral(ts: typeof TS, at: TS.Node): string | undefined {
  // The compiler reports a property's mismatch at the property's name.
  const node = ts.isPropertyAssignment(at.parent) && at.parent.name === at ? at.parent.initializer : at
  if (!ts.isStringLiteral(node) || !ts.isPropertyAssignment(node.parent) || !ts.isIdentifier(node.parent.name)) return undefined
  const key = node.parent.name.text
  if (key === 'strategy') return checkOneOf('strategy', node.text, STRATEGY_NAMES)
  if (key === 'dir') return checkOneOf('dir', node.text, DIRECTIONS)
  return undefined
}

/** A name that is not a C identifier: the run time's sentence, with the identifier it proposes. */
function nameSentence(ts: typeof TS, node: TS.Node, text: string): string | undefined {
  const m = text.match(QUOTED_NAME_SENTENCE)
  if (m === null) return undefined
  // The compiler reports a property's mismatch at the property's name.
  const literal = ts.isPropertyAssignment(node.parent) && node.parent.name === node ? node.parent.initializer : node
  const perhaps = ts.isStringLiteral(literal) && / is not a C identifier, /.test(m[1] as string) ? ` Perhaps ${identifierLike(literal.text)}.` : ''
  return `${m[1] as string}${perhaps}`
}

/** For a transaction name that the chain never maps: the mapped one it is nearest to. */
function didYouMean(ts: typeof TS, sf: TS.SourceFile, node: TS.Node): string {
  if (!ts.isStringLiteral(node)) return ''
  const call = node.parent === undefined ? undefined : asBuilderCall(ts, node.parent)
  if (call === undefined || !TX_METHODS.has(call.method) || call.call.arguments[0] !== node) return ''
  const names = transactions(ts, chainCalls(ts, chainTop(ts, call.call))).map((t) => t.name)
  if (names.includes(node.text)) return ''
  const near = nearest(node.text, names)
  return near === undefined ? '' : ` Did you mean '${near}'?`
}

/** A diagnostic at `.build()` after another diagnostic of the same chain: the first one's consequence. */
function isFollowOn(ts: typeof TS, sf: TS.SourceFile, d: TS.Diagnostic, all: readonly TS.Diagnostic[]): boolean {
  if (d.start === undefined) return false
  const node = nodeAt(ts, sf, d.start)
  if (!ts.isIdentifier(node) || node.text !== 'build' || !ts.isPropertyAccessExpression(node.parent)) return false
  const chain = node.parent.expression
  const from = chain.getStart(sf)
  const at = d.start
  return all.some((o) => o !== d && o.start !== undefined && o.start >= from && o.start < at)
}
