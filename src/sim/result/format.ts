/** The result document's format tag: a module of its own so that a run need not build the result's schema (schema.ts). */
export const SIM_RESULT_FORMAT = 'dmaplan.sim/v1' as const
