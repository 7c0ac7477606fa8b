/**
 * The static facts a builder's type carries (src/dsl/types/context.ts Ctx):
 * read from the receiver of a call, for completions and hovers.
 */
import type * as TS from 'typescript'
import type { MemoryKind } from '../plan/memory-kind.js'
import { asBuilderCall } from './syntax.js'

/** The literal members of a property of the builder's context type (its first type argument). */
export function ctxFacts(ts: typeof TS, checker: TS.TypeChecker, receiver: TS.Expression, key: string): string[] | undefined {
  const builder = checker.getTypeAtLocation(receiver)
  if (!(builder.flags & ts.TypeFlags.Object) || !((builder as TS.ObjectType).objectFlags & ts.ObjectFlags.Reference)) return undefined
  const ctx = checker.getTypeArguments(builder as TS.TypeReference)[0]
  const prop = ctx === undefined ? undefined : checker.getPropertyOfType(ctx, key)
  if (prop === undefined) return undefined
  const t = checker.getTypeOfSymbol(prop)
  const parts = t.isUnion() ? t.types : [t]
  return parts.filter((p): p is TS.StringLiteralType => p.isStringLiteral()).map((p) => p.value)
}

/** `${strategy}:${dir}` pairs the platform and device allow (R1, R5, R7, R9, R10). */
export function allowedPairs(ts: typeof TS, checker: TS.TypeChecker, receiver: TS.Expression): Array<readonly [string, string]> | undefined {
  return ctxFacts(ts, checker, receiver, 'ok')?.map((p) => {
    const i = p.indexOf(':')
    return [p.slice(0, i), p.slice(i + 1)] as const
  })
}

export interface RegionFacts {
  readonly name: string
  readonly source: string
  readonly alignment: string
}

/** A Region<N, K, A>'s literal type arguments. */
export function regionFacts(ts: typeof TS, checker: TS.TypeChecker, node: TS.Node): RegionFacts | undefined {
  const t = checker.getTypeAtLocation(node)
  if (t.getSymbol()?.getName() !== 'Region' || !(t.flags & ts.TypeFlags.Object)) return undefined
  const args = checker.getTypeArguments(t as TS.TypeReference).map((a) => (a.isStringLiteral() ? a.value : undefined))
  const [name, source, alignment] = args
  return name === undefined || source === undefined ? undefined : { name, source, alignment: alignment ?? 'alignment unknown' }
}

export function sourceWords(source: string): string {
  if (source === 'ram') return 'host RAM'
  if (source === 'encrypted') return 'private memory of a confidential guest'
  const m = source.match(/^p2p:(.+)@(.+)$/)
  return m === null ? source : `P2P memory of ${m[1] as string} below ${m[2] as string}`
}

/** The memory kind for the plan's device (docs/memory-kinds.md), read from the builder's p2p facts. */
export function regionKind(ts: typeof TS, checker: TS.TypeChecker, node: TS.Node, source: string, receiver?: TS.Expression): string | undefined {
  if (source === 'ram') return 'normal (host RAM)'
  if (source === 'encrypted') return 'encrypted (private memory of a confidential guest)'
  let builder = receiver
  for (let n: TS.Node | undefined = node; builder === undefined && n !== undefined; n = n.parent) {
    const c = asBuilderCall(ts, n)
    if (c !== undefined) builder = c.receiver
  }
  const at = source.match(/@(.+)$/)?.[1]
  if (builder === undefined || at === undefined) return undefined
  const fact = ctxFacts(ts, checker, builder, 'p2p')?.find((f) => f.startsWith(`${at}=`))
  return fact === undefined ? undefined : `${fact.slice(at.length + 1)} (${sourceWords(source)})`
}

/** The memory kind alone (src/plan/memory-kind.ts), for the strategies' verdicts. */
export function memoryKind(ts: typeof TS, checker: TS.TypeChecker, node: TS.Node, source: string, receiver?: TS.Expression): MemoryKind | undefined {
  const words = regionKind(ts, checker, node, source, receiver)
  const kind = words?.slice(0, words.indexOf(' ')).replace(/\/.*$/, '')
  return KINDS.find((k) => k === kind)
}
const KINDS: readonly MemoryKind[] = ['normal', 'p2p-bus', 'p2p-host-bridge', 'p2p-unsupported', 'encrypted']
