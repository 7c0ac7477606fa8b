/**
 * The default of a switch that covers every member of a union: the compiler
 * proves the value is `never` there, so a member added to the union is a
 * compile error at every switch that forgets it. A value outside the union
 * at run time (an unchecked cast) fails loudly instead of falling through.
 */
export function unreachable(value: never): never {
  throw new Error(`unreachable: unexpected ${String(value)}`)
}
