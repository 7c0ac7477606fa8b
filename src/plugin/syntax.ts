/**
 * The builder calls around a position, read from the syntax tree alone: the
 * chain of `.method(...)` calls a plan is written as, the transactions it
 * maps (name, strategy and direction literals) and the call a position is in.
 */
import type * as TS from 'typescript'

export interface BuilderCall {
  /** The call expression `receiver.method(args)`. */
  readonly call: TS.CallExpression
  readonly method: string
  /** The method's name node. */
  readonly name: TS.MemberName
  readonly receiver: TS.Expression
}

export interface TxLiteral {
  readonly name: string
  readonly call: TS.CallExpression
  readonly strategy?: TS.StringLiteral
  readonly dir?: TS.StringLiteral
}

/** The builder call whose callee is `x.method`, or undefined. */
export function asBuilderCall(ts: typeof TS, node: TS.Node): BuilderCall | undefined {
  if (!ts.isCallExpression(node) || !ts.isPropertyAccessExpression(node.expression)) return undefined
  const pa = node.expression
  return { call: node, method: pa.name.text, name: pa.name, receiver: pa.expression }
}

/** The innermost node containing a position. */
export function nodeAt(ts: typeof TS, sf: TS.SourceFile, pos: number): TS.Node {
  let found: TS.Node = sf
  const visit = (n: TS.Node): void => {
    if (pos >= n.getStart(sf) && pos <= n.getEnd()) {
      found = n
      ts.forEachChild(n, visit)
    }
  }
  ts.forEachChild(sf, visit)
  return found
}

/** The outermost call of the chain a node belongs to (`host.plan(nic).a().b().build()`). */
export function chainTop(ts: typeof TS, node: TS.Node): TS.Node {
  let top = node
  for (let n: TS.Node | undefined = node; n !== undefined; n = n.parent) {
    if (ts.isCallExpression(n) || ts.isPropertyAccessExpression(n)) top = n
    else if (!ts.isStringLiteral(n) && !ts.isIdentifier(n) && !ts.isArrayLiteralExpression(n) && !ts.isObjectLiteralExpression(n) && !ts.isPropertyAssignment(n)) break
  }
  return top
}

/** Every builder call of a chain, first to last. */
export function chainCalls(ts: typeof TS, top: TS.Node): BuilderCall[] {
  const out: BuilderCall[] = []
  let n: TS.Node = top
  for (;;) {
    const c = asBuilderCall(ts, n)
    if (c === undefined) break
    out.unshift(c)
    n = c.receiver
  }
  return out
}

/** The string literal of property `key` in an object literal. */
export function literalProperty(ts: typeof TS, obj: TS.Expression | undefined, key: string): TS.StringLiteral | undefined {
  if (obj === undefined || !ts.isObjectLiteralExpression(obj)) return undefined
  for (const p of obj.properties)
    if (ts.isPropertyAssignment(p) && (ts.isIdentifier(p.name) || ts.isStringLiteral(p.name)) && p.name.text === key && ts.isStringLiteral(p.initializer)) return p.initializer
  return undefined
}

/** The transactions a chain maps, in order. */
export function transactions(ts: typeof TS, calls: readonly BuilderCall[]): TxLiteral[] {
  const out: TxLiteral[] = []
  for (const c of calls) {
    const first = c.call.arguments[0]
    if (c.method !== 'transaction' || first === undefined || !ts.isStringLiteral(first)) continue
    const opts = c.call.arguments[1]
    const strategy = literalProperty(ts, opts, 'strategy')
    const dir = literalProperty(ts, opts, 'dir')
    out.push({ name: first.text, call: c.call, ...(strategy ? { strategy } : {}), ...(dir ? { dir } : {}) })
  }
  return out
}

/** The methods whose first argument names a transaction. */
export const TX_METHODS: ReadonlySet<string> = new Set([
  'deviceReads', 'deviceWrites', 'syncForCpu', 'syncForDevice', 'hmmFault', 'hmmInvalidate', 'unlink', 'unmap', 'keep',
])
