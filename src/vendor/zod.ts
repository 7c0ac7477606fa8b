/**
 * zod, the one place the rest of the code takes it from, as the namespace
 * `z` of the part of zod the project uses (zod-api.ts). The build replaces
 * this module's JavaScript with that part bundled into one file
 * (scripts/bundle.mjs): zod's own entry loads some ninety modules, every
 * locale among them, which took a quarter of `dmaplan simulate`'s start,
 * and the whole of zod in one file is three times the size of the part used.
 * The declarations stay zod's own.
 */
export * as z from './zod-api.js'
