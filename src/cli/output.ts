/** Where a verb writes: results to stdout, sentences about the input to stderr. */
export interface Output {
  readonly json: boolean
  print(line: string): void
  error(line: string): void
}

export function consoleOutput(json: boolean): Output {
  return {
    json,
    print: (line) => process.stdout.write(`${line}\n`),
    error: (line) => process.stderr.write(`dmaplan: ${line}\n`),
  }
}
