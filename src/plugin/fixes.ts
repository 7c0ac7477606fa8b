/**
 * Quick fixes for the rules' diagnostics, each an edit of the plan's text
 * that the sentence asks for: the missing sync (R7), the missing unmap or
 * keep (R8), a direction the device or the block layer uses (R7, R10), a
 * strategy that maps every region of the transaction (R1, R3, R5, R7, R9,
 * R10), a transaction split in two (R2 mixed kinds, R6 a range off the
 * granule), and no second unmap (R8).
 */
import type * as TS from 'typescript'
import { strategiesFor } from './strategies.js'
import { asBuilderCall, chainCalls, chainTop, literalProperty, nodeAt, transactions } from './syntax.js'
import type { BuilderCall } from './syntax.js'

export const FIX_NAME = 'dmaplan'

export function codeFixes(ts: typeof TS, program: TS.Program, fileName: string, d: TS.Diagnostic): TS.CodeFixAction[] {
  const sf = program.getSourceFile(fileName)
  if (sf === undefined || d.start === undefined) return []
  const sentence = ts.flattenDiagnosticMessageText(d.messageText, '\n')
  const rule = sentence.match(/^(R\d+): /)?.[1]
  if (rule === undefined) return []
  const node = nodeAt(ts, sf, d.start)
  const call = enclosingCall(ts, node)
  if (call === undefined) return []
  const fix = (description: string, changes: TS.TextChange[]): TS.CodeFixAction => ({
    fixName: FIX_NAME,
    description,
    changes: [{ fileName, textChanges: changes }],
  })
  const out: TS.CodeFixAction[] = []
  // R7: call syncForCpu('tx') first / R8: unmap it, or call .keep('tx').
  const sync = sentence.match(/call (syncForCpu|syncForDevice)\('([A-Za-z_]\w*)'\) first\.$/)
  if (sync !== null) out.push(fix(`Add .${sync[1] as string}('${sync[2] as string}') before .${call.method}()`, [before(sf, call, `.${sync[1] as string}('${sync[2] as string}')`)]))
  const kept = sentence.match(/^R8: the plan ends with transaction ([A-Za-z_]\w*) of \S+ still mapped/)
  if (kept !== null) {
    const tx = kept[1] as string
    out.push(fix(`Add .unmap('${tx}') before .build()`, [before(sf, call, `.unmap('${tx}')`)]))
    out.push(fix(`Add .keep('${tx}') before .build(): the mapping outlives the plan on purpose`, [before(sf, call, `.keep('${tx}')`)]))
  }
  const txs = transactions(ts, chainCalls(ts, chainTop(ts, call.call)))
  const first = call.call.arguments[0]
  const tx = call.method === 'transaction' ? txs.find((t) => t.call === call.call) : txs.find((t) => first !== undefined && ts.isStringLiteral(first) && t.name === first.text)
  if (tx?.dir !== undefined) {
    const access = sentence.match(/^R7: .*; device (writes|reads) need /)?.[1]
    const dirs = access !== undefined ? ['bidirectional', access === 'writes' ? 'from-device' : 'to-device'] : rule === 'R10' ? ['to-device', 'from-device'] : []
    for (const dir of dirs) out.push(fix(`Map ${tx.name} ${dir}`, [replace(sf, tx.dir, dir)]))
  }
  if (tx?.strategy !== undefined && ['R1', 'R3', 'R5', 'R7', 'R9', 'R10'].includes(rule) && /^R7: hmm|^R(1|3|5|9|10): /.test(sentence)) {
    const txCall = asBuilderCall(ts, tx.call) as BuilderCall
    for (const d of strategiesFor(ts, program.getTypeChecker(), txCall, tx.dir?.text) ?? [])
      if (d.name !== tx.strategy.text) out.push(fix(`Map ${tx.name} with ${d.name} (${d.kernel.map((k) => k.split(' ').find((w) => w.includes('('))).join(', ')})`, [replace(sf, tx.strategy, d.name)]))
  }
  if (/^R8: transaction \w+ of \S+ is already unmapped/.test(sentence) && call.method === 'unmap') {
    const dot = call.name.getStart(sf) - 1
    out.push(fix(`Remove the second .unmap('${tx?.name ?? ''}')`, [{ span: { start: lineStartOrDot(sf, dot), length: call.call.getEnd() - lineStartOrDot(sf, dot) }, newText: '' }]))
  }
  if ((rule === 'R2' || rule === 'R6') && call.method === 'transaction' && tx !== undefined) {
    const split = splitTransaction(ts, sf, call, node, tx.name)
    if (split !== undefined) out.push(fix(split.description, split.changes))
  }
  return out
}

/** The builder call a diagnostic sits in (its argument, or its method's name). */
function enclosingCall(ts: typeof TS, node: TS.Node): BuilderCall | undefined {
  for (let n: TS.Node | undefined = node; n !== undefined; n = n.parent) {
    const c = asBuilderCall(ts, n)
    if (c !== undefined) return c
    if (ts.isPropertyAccessExpression(n) && n.parent !== undefined) {
      const p = asBuilderCall(ts, n.parent)
      if (p !== undefined && p.call.expression === n) return p
    }
  }
  return undefined
}

/** Where a step's text begins: its line's start (with the line break before it) when the step has a line of its own. */
function lineStartOrDot(sf: TS.SourceFile, dot: number): number {
  const line = sf.getLineAndCharacterOfPosition(dot).line
  const start = sf.getLineStarts()[line] as number
  return line > 0 && sf.text.slice(start, dot).trim() === '' ? start - 1 : dot
}

/** A step inserted before a call of the chain, on its own line at the call's indentation. */
function before(sf: TS.SourceFile, call: BuilderCall, step: string): TS.TextChange {
  const { dot, indent } = stepLine(sf, call)
  return { span: { start: dot, length: 0 }, newText: `${step}\n${indent}` }
}

/** Where a call of the chain begins (the dot before its name), the spaces that indent it, and whether it has a line of its own. */
function stepLine(sf: TS.SourceFile, call: BuilderCall): { dot: number; indent: string; own: boolean } {
  const dot = call.name.getStart(sf) - 1
  const lineStart = sf.getLineStarts()[sf.getLineAndCharacterOfPosition(dot).line] as number
  return { dot, indent: ' '.repeat(dot - lineStart), own: sf.text.slice(lineStart, dot).trim() === '' }
}

function replace(sf: TS.SourceFile, literal: TS.StringLiteral, value: string): TS.TextChange {
  return { span: { start: literal.getStart(sf) + 1, length: literal.text.length }, newText: value }
}

/**
 * R2, R6: the region the diagnostic names leaves the array for a transaction
 * of its own, with the same options, and keeps its life: the steps that name
 * the region through the transaction name the new one, and a sync, unmap or
 * keep of the whole transaction is made of the new one too, right after.
 */
function splitTransaction(ts: typeof TS, sf: TS.SourceFile, call: BuilderCall, node: TS.Node, name: string): { description: string; changes: TS.TextChange[] } | undefined {
  const list = call.call.arguments[2]
  const opts = call.call.arguments[1]
  if (list === undefined || opts === undefined || !ts.isArrayLiteralExpression(list) || !ts.isIdentifier(node) || !list.elements.includes(node)) return undefined
  const rest = list.elements.filter((e) => e !== node).map((e) => e.getText(sf))
  const newName = `${name}_${node.text}`
  const changes: TS.TextChange[] = [
    { span: { start: list.getStart(sf), length: list.getWidth(sf) }, newText: `[${rest.join(', ')}]` },
    after(sf, call, `.transaction('${newName}', ${opts.getText(sf)}, [${node.text}])`),
  ]
  const calls = chainCalls(ts, chainTop(ts, call.call))
  for (const c of calls.slice(calls.findIndex((x) => x.call === call.call) + 1)) {
    const [tx, region] = c.call.arguments
    if (tx === undefined || !ts.isStringLiteral(tx) || tx.text !== name) continue
    // The name mapped again: what follows is another transaction's life.
    if (c.method === 'transaction') break
    if (region !== undefined && ts.isIdentifier(region) && region.text === node.text && REGION_STEPS.has(c.method)) changes.push(replace(sf, tx, newName))
    else if (region === undefined && WHOLE_STEPS.has(c.method)) changes.push(after(sf, c, `.${c.method}('${newName}')`))
  }
  return { description: `Split ${name}: map ${node.text} in a transaction ${newName} of its own`, changes }
}

/** Steps whose second argument is a region of the transaction. */
const REGION_STEPS: ReadonlySet<string> = new Set(['deviceReads', 'deviceWrites', 'syncForCpu', 'syncForDevice'])
/** Steps on every region of the transaction when they name none. */
const WHOLE_STEPS: ReadonlySet<string> = new Set(['syncForCpu', 'syncForDevice', 'unmap', 'keep'])

/** A step inserted after a call of the chain: on a line of its own at the call's indentation when the call has one. */
function after(sf: TS.SourceFile, call: BuilderCall, step: string): TS.TextChange {
  const { indent, own } = stepLine(sf, call)
  return { span: { start: call.call.getEnd(), length: 0 }, newText: own ? `\n${indent}${step}` : step }
}
