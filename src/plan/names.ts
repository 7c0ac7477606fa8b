/**
 * The names a plan gives (its own, its devices', regions' and transactions')
 * become C identifiers in the generated code: a transaction's struct and
 * functions, a buffer's field. This file holds what a name must be, once for
 * both worlds: the type-level test the builder's parameter types use, the
 * run-time test, and the sentence (a type and a function of the same name,
 * so both say it byte for byte), and the sentences for a strategy or a
 * direction that is not one.
 */

/** A letter or _, then letters, digits or _, at most 48 characters (the generator adds prefixes). */
export const IDENTIFIER = /^[A-Za-z_][A-Za-z0-9_]{0,47}$/
export const IDENTIFIER_MAX = 48
/** IDENTIFIER in words, for the schema's and the generator's refusals. */
export const IDENTIFIER_RULE = 'a letter or _, then letters, digits or _, at most 48 characters'

export function isIdentifier(name: unknown): name is string {
  return typeof name === 'string' && IDENTIFIER.test(name)
}

export type NameKind = 'plan' | 'device' | 'region' | 'transaction'

/** The nearest identifier to a name: what the sentence proposes. */
export function identifierLike(name: string): string {
  const body = name.replace(/[^A-Za-z0-9_]/g, '_').slice(0, IDENTIFIER_MAX)
  return /^[A-Za-z_]/.test(body) ? body : `_${body}`.slice(0, IDENTIFIER_MAX)
}

export type writeNotIdentifierMessage<K extends NameKind, N extends string> =
  `${K} name '${N}' is not a C identifier, and the generated C names its struct and functions after it: use letters, digits and _, not starting with a digit, at most 48 characters.`
export const writeNotIdentifierMessage = <K extends NameKind, N extends string>(kind: K, name: N): writeNotIdentifierMessage<K, N> =>
  `${kind} name '${name}' is not a C identifier, and the generated C names its struct and functions after it: use letters, digits and _, not starting with a digit, at most 48 characters.`

/**
 * Either sentence as a compiler quotes the literal type that holds it (`type
 * '"region name 'rx buf' is not a C identifier, ..."'`): what check prints
 * in place of the compiler's "is not assignable" wrapping.
 */
export const QUOTED_NAME_SENTENCE = /"((?:plan|device|region|transaction) name '[^"]*?' is not a C identifier, [^"]*|[\w ]+ '[^"]*?' is not one of [^"]*)"/

/** The run-time test: the sentence, with a name to use instead, or undefined for a good name. */
export function checkIdentifier(kind: NameKind, name: unknown): string | undefined {
  if (isIdentifier(name)) return undefined
  const shown = typeof name === 'string' ? name : String(name)
  return `${writeNotIdentifierMessage(kind, shown)} Perhaps ${identifierLike(shown)}.`
}

export type writeNotOneOfMessage<What extends string, V extends string, Valid extends string> = `${What} '${V}' is not one of ${Valid}.`
export const writeNotOneOfMessage = <What extends string, V extends string, Valid extends string>(what: What, value: V, valid: Valid): writeNotOneOfMessage<What, V, Valid> =>
  `${what} '${value}' is not one of ${valid}.`

/** A value that must be one of a list: the sentence, naming the nearest one, or undefined. */
export function checkOneOf(what: string, value: unknown, valid: readonly string[]): string | undefined {
  if (typeof value === 'string' && valid.includes(value)) return undefined
  const shown = typeof value === 'string' ? value : String(value)
  const near = nearest(shown, valid)
  return `${writeNotOneOfMessage(what, shown, valid.join(', '))}${near !== undefined ? ` Did you mean ${near}?` : ''}`
}

/** The valid value within two edits of what was written, if there is one. */
export function nearest(value: string, valid: readonly string[]): string | undefined {
  let best: { v: string; d: number } | undefined
  for (const v of valid) {
    const d = editDistance(value.toLowerCase(), v.toLowerCase())
    if (d <= 2 && (best === undefined || d < best.d)) best = { v, d }
  }
  return best?.v
}

function editDistance(a: string, b: string): number {
  let prev = Array.from({ length: b.length + 1 }, (_, j) => j)
  for (let i = 1; i <= a.length; i++) {
    const row = [i]
    for (let j = 1; j <= b.length; j++) row[j] = Math.min((prev[j] as number) + 1, (row[j - 1] as number) + 1, (prev[j - 1] as number) + (a[i - 1] === b[j - 1] ? 0 : 1))
    prev = row
  }
  return prev[b.length] as number
}

// ---- the type level ----------------------------------------------------------------------

/** A tuple of names as a sentence lists them: 'a, b, c'. */
export type JoinList<T extends readonly string[]> = T extends readonly [infer H extends string, ...infer R extends readonly string[]]
  ? R extends readonly []
    ? H
    : `${H}, ${JoinList<R>}`
  : ''

type Lower = 'a' | 'b' | 'c' | 'd' | 'e' | 'f' | 'g' | 'h' | 'i' | 'j' | 'k' | 'l' | 'm' | 'n' | 'o' | 'p' | 'q' | 'r' | 's' | 't' | 'u' | 'v' | 'w' | 'x' | 'y' | 'z'
type IdStart = Lower | Uppercase<Lower> | '_'
type IdChar = IdStart | '0' | '1' | '2' | '3' | '4' | '5' | '6' | '7' | '8' | '9'

/** The rest of an identifier: identifier characters only, one membership test each. */
type IdRest<S extends string> = S extends `${infer H}${infer T}` ? (H extends IdChar ? IdRest<T> : false) : true

/**
 * true when N is a C identifier; true for a name the compiler cannot see in
 * full, string or a pattern such as `p${number}` (the run time decides). The
 * run time also holds a name to 48 characters, the room the generator's
 * prefixes leave; the types do not count.
 */
export type IsIdentifier<N extends string> = {} extends Record<N, 1> ? true : N extends `${infer H}${infer T}` ? (H extends IdStart ? IdRest<T> : false) : false

/** The name itself when it is an identifier, else the sentence (then's true branch stays the naked name for inference). */
export type CheckIdentifier<K extends NameKind, N extends string, Then = N> = IsIdentifier<N> extends true ? Then : NoInfer<writeNotIdentifierMessage<K, N>>
