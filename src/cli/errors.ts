/**
 * Problems the command line reports in one sentence and an exit status,
 * never with a stack trace.
 */
export class UsageError extends Error {
  override readonly name = 'UsageError'
}

/** Why an input is not a plan: what `check --json` says beside the sentence. */
export type InputWhy = 'read' | 'json' | 'syntax' | 'import' | 'export' | 'shape' | 'threw'

/** The input cannot be read as a plan (missing, unreadable, malformed): exit status 2. */
export class InputError extends Error {
  override readonly name = 'InputError'
  /** file:line:col of the cause, where one is known. */
  readonly where: string | undefined
  readonly why: InputWhy
  /** The sentence about the value itself, without where it was written, when a builder call refused one. */
  readonly sentence: string | undefined
  constructor(message: string, options: { readonly where?: string; readonly why?: InputWhy; readonly sentence?: string } = {}) {
    super(message)
    this.where = options.where
    this.why = options.why ?? 'read'
    this.sentence = options.sentence
  }
}

export const EXIT = { clean: 0, defect: 1, input: 2 } as const
