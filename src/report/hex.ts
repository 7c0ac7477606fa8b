/**
 * 64-bit quantities for the report: the result holds them as "0x..." strings;
 * the drawing needs bigint arithmetic (addresses are exact to the last bit)
 * and labels in the same exact hex.
 */
export { formatU64 as hex } from '../plan/u64.js'

export const alignDown = (v: bigint, a: bigint): bigint => (v / a) * a
export const alignUp = (v: bigint, a: bigint): bigint => ((v + a - 1n) / a) * a

/** Human size for captions and tooltips ("16 KiB", "2.5 KiB", "512 B"); labels keep the exact hex. */
export function human(v: bigint | number): string {
  const n = typeof v === 'bigint' ? Number(v) : v
  const units: [number, string][] = [
    [2 ** 40, 'TiB'],
    [2 ** 30, 'GiB'],
    [2 ** 20, 'MiB'],
    [2 ** 10, 'KiB'],
  ]
  for (const [size, unit] of units) {
    if (n >= size) {
      const q = n / size
      return `${Number.isInteger(q) ? q : Number(q.toFixed(q < 10 ? 2 : 1))} ${unit}`
    }
  }
  return `${n} B`
}

/** A half-open interval of addresses or offsets. */
export interface Span {
  readonly start: bigint
  readonly end: bigint
}
