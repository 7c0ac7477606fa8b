/**
 * zod, the one place the rest of the code takes it from. The build replaces
 * this module's JavaScript with zod bundled into one file
 * (scripts/bundle-vendor.mjs): zod's own entry loads some ninety modules,
 * every locale among them, which took a quarter of `dmaplan simulate`'s
 * start. The declarations stay zod's own.
 */
export { z } from 'zod'
