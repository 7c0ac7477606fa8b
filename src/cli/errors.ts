/**
 * Problems the command line reports in one sentence and an exit status,
 * never with a stack trace.
 */
export class UsageError extends Error {
  override readonly name = 'UsageError'
}

/** The input cannot be read as a plan (missing, unreadable, malformed): exit status 2. */
export class InputError extends Error {
  override readonly name = 'InputError'
}

export const EXIT = { clean: 0, defect: 1, input: 2 } as const
