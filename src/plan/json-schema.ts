/**
 * The JSON Schema of the plan IR, as zod writes it from the schemas. It
 * describes the JSON encoding (the decoder's input): 64-bit values are
 * strings or safe integers, and fields with a kernel default may be omitted.
 */
import { z } from '../vendor/zod.js'
import { planSchema } from './schema.js'

export function planJsonSchema(): Record<string, unknown> {
  return z.toJSONSchema(planSchema, { io: 'input', target: 'draft-2020-12', unrepresentable: 'throw' }) as Record<string, unknown>
}
