/** A plan the model cannot run (memory does not fit, an address outside RAM): one sentence, no stack. */
export class SimError extends Error {
  constructor(message: string) {
    super(message)
    this.name = 'SimError'
  }
}
