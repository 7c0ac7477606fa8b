/**
 * 64-bit unsigned values (addresses, sizes, masks) at the plan's boundaries.
 *
 * In memory they are bigint, exact to the last bit. In JSON they are written
 * as lower-case hexadecimal strings ("0x1000"), because a JSON number loses
 * precision above 2^53. On input a JSON plan may also give a decimal string
 * ("4096") or a non-negative integer that is a safe JavaScript number.
 */
export const U64_MAX = (1n << 64n) - 1n

const HEX = /^0x[0-9a-fA-F]{1,16}$/
const DEC = /^[0-9]{1,20}$/

/** Parse the JSON encoding of a u64; returns a sentence on failure. */
export function parseU64(value: unknown): bigint | string {
  if (typeof value === 'bigint') return inRange(value)
  if (typeof value === 'number') {
    if (!Number.isInteger(value)) return `${value} is not a whole number`
    if (value < 0) return `${value} is negative; addresses and sizes are unsigned`
    if (!Number.isSafeInteger(value)) return `${value} is past 2^53 and cannot be exact as a JSON number; write it as a hex string such as "0x${BigInt(Math.trunc(value)).toString(16)}"`
    return BigInt(value)
  }
  if (typeof value === 'string') {
    if (HEX.test(value) || DEC.test(value)) return inRange(BigInt(value))
    if (/^0x[0-9a-fA-F]+$/.test(value) || /^[0-9]+$/.test(value)) return `${value} is past 2^64-1`
    if (value.startsWith('-')) return `${value} is negative; addresses and sizes are unsigned`
    return `"${value}" is not a 64-bit value; write a hex string such as "0x1000"`
  }
  return 'expected a 64-bit value written as a hex string such as "0x1000"'
}

function inRange(v: bigint): bigint | string {
  if (v < 0n) return `${v} is negative; addresses and sizes are unsigned`
  if (v > U64_MAX) return `0x${v.toString(16)} is past 2^64-1`
  return v
}

/** The JSON encoding of a u64. */
export function formatU64(v: bigint): string {
  return `0x${v.toString(16)}`
}

/** Accept the DSL's number-or-bigint inputs and make them exact. */
export function toU64(v: number | bigint, what: string): bigint {
  const r = parseU64(v)
  if (typeof r === 'string') throw new RangeError(`${what}: ${r}`)
  return r
}
