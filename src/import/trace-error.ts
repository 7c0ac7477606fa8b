/** A line of a known event that does not read as its format; `message` is one sentence. */
export class TraceSyntaxError extends Error {
  constructor(
    readonly line: number,
    message: string,
  ) {
    super(message)
    this.name = 'TraceSyntaxError'
  }
}
