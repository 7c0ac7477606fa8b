/**
 * The part of zod the project uses, seen as `z` (zod.ts). A schema built
 * with a zod function not listed here does not compile: add it here.
 */
export {
  array,
  bigint,
  boolean,
  codec,
  discriminatedUnion,
  enum,
  literal,
  null,
  number,
  object,
  record,
  strictObject,
  string,
  toJSONSchema,
  union,
} from 'zod'
export type { core, input, output } from 'zod'
