/**
 * Hover on a builder call or a region: what the kernel will do with it, from
 * the static facts the types carry (the region's kind for the device, the
 * strategy's descriptor and the calls it makes, the rule a diagnostic there
 * names) instead of the compiler's dump of the builder's generics.
 */
import type * as TS from 'typescript'
import type { StrategyDescriptor } from '../strategies/descriptor.js'
import { DESCRIPTOR, summaryText } from '../strategies/index.js'
import { regionFacts, regionKind, sourceWords } from './context.js'
import { asBuilderCall, chainCalls, chainTop, nodeAt, transactions } from './syntax.js'
import type { BuilderCall, TxLiteral } from './syntax.js'
import type { SummaryTarget } from './simulation.js'

/** The simulation's one line on what a hover is on (simulation.ts), where a run of the saved plan has one. */
export type SimulatedAt = (target: SummaryTarget) => string | undefined

export function quickInfo(
  ts: typeof TS,
  program: TS.Program,
  fileName: string,
  pos: number,
  prior: TS.QuickInfo | undefined,
  ruleAt: (start: number, end: number) => string | undefined,
  simulated: SimulatedAt = () => undefined,
): TS.QuickInfo | undefined {
  const sf = program.getSourceFile(fileName)
  if (sf === undefined) return prior
  const node = nodeAt(ts, sf, pos)
  if (!ts.isIdentifier(node)) return prior
  const checker = program.getTypeChecker()
  const described = describe(ts, checker, node, ruleAt)
  if (described === undefined) return prior
  const summary = simulated(described.target)
  const lines = summary === undefined ? described.lines : [...described.lines, summary]
  return {
    kind: ts.ScriptElementKind.memberFunctionElement,
    kindModifiers: '',
    textSpan: { start: node.getStart(sf), length: node.getWidth(sf) },
    displayParts: [{ text: lines.join('\n'), kind: 'text' }],
    documentation: prior?.documentation ?? [],
    tags: prior?.tags ?? [],
  }
}

function describe(
  ts: typeof TS,
  checker: TS.TypeChecker,
  node: TS.Identifier,
  ruleAt: (s: number, e: number) => string | undefined,
): { lines: string[]; target: SummaryTarget } | undefined {
  const call = ts.isPropertyAccessExpression(node.parent) && node.parent.name === node && node.parent.parent !== undefined ? asBuilderCall(ts, node.parent.parent) : undefined
  if (call !== undefined) {
    const txs = transactions(ts, chainCalls(ts, chainTop(ts, call.call)))
    const rule = ruleAt(call.call.arguments.pos, call.call.arguments.end)
    const out = step(ts, checker, call, txs)
    if (out === undefined) return undefined
    const lines = rule === undefined ? out.lines : [...out.lines, `breaks ${rule} (dmaplan explain ${rule.slice(0, rule.indexOf(':'))})`]
    return { lines, target: out.tx === undefined ? 'plan' : { tx: out.tx } }
  }
  const region = regionFacts(ts, checker, node)
  if (region === undefined) return undefined
  const kind = regionKind(ts, checker, node, region.source)
  return { lines: [`region ${region.name}: ${kind ?? sourceWords(region.source)}; ${region.alignment} on the IOMMU granule`], target: { region: region.name } }
}

/** What a step's hover says, and the transaction it is about. */
function step(ts: typeof TS, checker: TS.TypeChecker, call: BuilderCall, txs: readonly TxLiteral[]): { lines: string[]; tx?: string } | undefined {
  const first = call.call.arguments[0]
  const named = first !== undefined && ts.isStringLiteral(first) ? txs.find((t) => t.name === first.text) : undefined
  if (call.method === 'transaction') {
    const tx = txs.find((t) => t.call === call.call)
    const d = descriptorOf(tx)
    if (tx === undefined || d === undefined) return undefined
    const regions = call.call.arguments[2]
    const members = regions !== undefined && ts.isArrayLiteralExpression(regions) ? regions.elements : []
    const kinds = members.map((e) => {
      const r = regionFacts(ts, checker, e)
      return r === undefined ? e.getText() : `${r.name} (${regionKind(ts, checker, e, r.source, call.receiver) ?? sourceWords(r.source)}, ${r.alignment})`
    })
    const lines = [
      `transaction ${tx.name}: ${d.name}, ${tx.dir?.text ?? 'direction not literal'}: ${summaryText(d)}`,
      `kernel: ${calls(d)}`,
      ...(kinds.length > 0 ? [`maps: ${kinds.join(', ')}`] : []),
    ]
    return { lines, tx: tx.name }
  }
  if (!['deviceReads', 'deviceWrites', 'cpuReads', 'cpuWrites', 'syncForCpu', 'syncForDevice', 'hmmFault', 'hmmInvalidate', 'unlink', 'unmap', 'keep', 'wait', 'build'].includes(call.method)) return undefined
  const d = descriptorOf(named)
  const on = named === undefined ? '' : ` on ${named.name} (${d?.name ?? 'strategy not literal'}, ${named.dir?.text ?? 'direction not literal'})`
  return { lines: [`${call.method}${on}`], ...(named === undefined ? {} : { tx: named.name }) }
}

function descriptorOf(tx: TxLiteral | undefined): StrategyDescriptor | undefined {
  const s = tx?.strategy?.text
  return s !== undefined && Object.hasOwn(DESCRIPTOR, s) ? (DESCRIPTOR as unknown as Record<string, StrategyDescriptor>)[s] : undefined
}

/** The descriptor's kernel functions, without the files the first ones name. */
function calls(d: StrategyDescriptor): string {
  return d.kernel.map((k) => k.split(' ').filter((w) => w.includes('(')).join(' ')).join(', ')
}
