/** The result as JSON text. */
import type { SimResult } from './schema.js'

/** It already holds 64-bit values as hex strings. */
export function resultToJson(result: SimResult): string {
  return `${JSON.stringify(result, null, 2)}\n`
}
