/**
 * The static facts a builder's type carries (src/dsl/types/context.ts Ctx):
 * read from the receiver of a call, for completions and hovers.
 */
import type * as TS from 'typescript'

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
