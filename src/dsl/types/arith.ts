/**
 * Type-level granule alignment of literal sizes (rule R6).
 *
 * Whether a range ends on the IOMMU granule depends on (offset + bytes) mod G
 * with G a power of two up to 64 KiB, so only the four lowest hexadecimal
 * digits matter. They come from four long divisions of the decimal literal by
 * 16 and one table addition, both table lookups rather than recursion on the
 * value, so the cost is a few instantiations per digit whatever the size.
 * A number that is not a literal gives 'unknown' and the run-time check,
 * which speaks the same sentence, decides instead.
 */
import type { Add16, Div16Step } from './tables.js'

type Digit = '0' | '1' | '2' | '3' | '4' | '5' | '6' | '7' | '8' | '9'
type Rem = keyof Div16Step
type HexDigit = 0 | 1 | 2 | 3 | 4 | 5 | 6 | 7 | 8 | 9 | 10 | 11 | 12 | 13 | 14 | 15
type Low4 = readonly [HexDigit, HexDigit, HexDigit, HexDigit]

/** [quotient, remainder] of a decimal string divided by 16 (quotient may keep leading zeros). */
type Div16<S extends string, R extends Rem = 0, Q extends string = ''> = S extends `${infer D extends Digit}${infer Rest}`
  ? Div16<Rest, Div16Step[R][D][1], `${Q}${Div16Step[R][D][0]}`>
  : [Q, R]

/** The four lowest hexadecimal digits of a decimal string, lowest first. */
type LowHex<S extends string> =
  Div16<S> extends [infer Q1 extends string, infer H0 extends HexDigit]
    ? Div16<Q1> extends [infer Q2 extends string, infer H1 extends HexDigit]
      ? Div16<Q2> extends [infer Q3 extends string, infer H2 extends HexDigit]
        ? Div16<Q3> extends [string, infer H3 extends HexDigit]
          ? [H0, H1, H2, H3]
          : never
        : never
      : never
    : never

/** (A + B) mod 16^4, digit by digit with carry. */
type AddLow<A extends Low4, B extends Low4> =
  Add16[0][A[0]][B[0]] extends [infer S0 extends HexDigit, infer C0 extends 0 | 1]
    ? Add16[C0][A[1]][B[1]] extends [infer S1 extends HexDigit, infer C1 extends 0 | 1]
      ? Add16[C1][A[2]][B[2]] extends [infer S2 extends HexDigit, infer C2 extends 0 | 1]
        ? [S0, S1, S2, Add16[C2][A[3]][B[3]][0]]
        : never
      : never
    : never

/** Is a value whose low hex digits are L a multiple of the granule? */
type OnGranule<L extends Low4, G extends number> = G extends 4096
  ? L extends readonly [0, 0, 0, HexDigit]
    ? true
    : false
  : G extends 16384
    ? L extends readonly [0, 0, 0, 0 | 4 | 8 | 12]
      ? true
      : false
    : L extends readonly [0, 0, 0, 0]
      ? true
      : false

/** A literal number or bigint as a decimal string; never when the value is not a literal. */
type Literal<N> = N extends number ? (number extends N ? never : `${N}`) : N extends bigint ? (bigint extends N ? never : `${N}`) : never

/** How a range sits on the granule, in words that read well in a diagnostic. */
export type Alignment = 'aligned' | 'starts-off' | 'ends-off' | 'starts-off ends-off' | 'unknown'

type Words<Start extends boolean, End extends boolean> = Start extends true
  ? End extends true
    ? 'aligned'
    : 'ends-off'
  : End extends true
    ? 'starts-off'
    : 'starts-off ends-off'

type Start<L extends Low4, G extends number> = OnGranule<L, G>

/**
 * A range [start, start + bytes). Without a physical address the model places
 * the range granule-aligned plus its in-page offset, so the offset is the start.
 */
type RangeAlignment<Begin, B, G extends number> = [Literal<Begin>] extends [never]
  ? 'unknown'
  : [Literal<B>] extends [never]
    ? 'unknown'
    : LowHex<Literal<Begin>> extends infer S extends Low4
      ? Words<Start<S, G>, OnGranule<AddLow<S, LowHex<Literal<B>>>, G>>
      : 'unknown'

/** Bytes of `pages` pages, as a decimal literal (pages * 4096 keeps its low hex digits shifted by three). */
type PagesLow<P> = [Literal<P>] extends [never] ? never : [0, 0, 0, LowHex<Literal<P>>[0]]

/** The alignment of a RAM or P2P region spec on granule G. */
export type SpecAlignment<S, G extends number> = S extends { readonly pages: infer P }
  ? S extends { readonly phys: infer Ph }
    ? [Literal<Ph>] extends [never]
      ? 'unknown'
      : [PagesLow<P>] extends [never]
        ? 'unknown'
        : LowHex<Literal<Ph>> extends infer L extends Low4
          ? Words<Start<L, G>, OnGranule<AddLow<L, PagesLow<P> & Low4>, G>>
          : 'unknown'
    : [PagesLow<P>] extends [never]
      ? G extends 4096
        ? 'aligned'
        : 'unknown'
      : Words<true, OnGranule<PagesLow<P> & Low4, G>>
  : S extends { readonly bytes: infer B }
    ? RangeAlignment<S extends { readonly phys: infer Ph } ? Ph : S extends { readonly offset: infer O } ? O : 0, B, G>
    : 'unknown'
