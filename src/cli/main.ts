/**
 * The dmaplan command line. Exit status: 0 clean, 1 a rule is broken or the
 * simulation finds a defect, 2 bad usage or unreadable input. Every problem
 * is one sentence; a stack trace means a bug in dmaplan itself.
 */
import { parseArgs } from 'node:util'
import { check } from './check.js'
import { explain } from './explain.js'
import { EXIT, InputError, UsageError } from './errors.js'
import { consoleOutput } from './output.js'

const USAGE = `usage: dmaplan <verb> [options]

  check <plan.ts|plan.json ...>   type-check and validate plans; prints file:line:col rule sentence
  explain <rule-or-finding ...>    a rule or a finding in plain words, its kernel code, what to do

options:
  --json      machine-readable output
  -h, --help  this text`

interface Verb {
  readonly usage: string
  run(args: readonly string[], json: boolean): Promise<number>
}

const VERBS: Record<string, Verb> = {
  check: {
    usage: 'usage: dmaplan check <plan.ts|plan.json ...> [--json]',
    async run(args, json) {
      if (args.length === 0) throw new UsageError('check needs at least one plan file')
      return check(args, consoleOutput(json))
    },
  },
  explain: {
    usage: 'usage: dmaplan explain <rule-or-finding ...> [--json]\n\n  rules: R1-R9; findings: the ids the simulation reports (D1-D21 from dma-debug, DMAR faults, ...)',
    async run(args, json) {
      return explain(args, consoleOutput(json))
    },
  },
}

export async function main(argv: readonly string[]): Promise<number> {
  const out = consoleOutput(false)
  try {
    const { values, positionals } = parseArgs({
      args: [...argv],
      allowPositionals: true,
      strict: true,
      options: { json: { type: 'boolean', default: false }, help: { type: 'boolean', short: 'h', default: false } },
    })
    const [verbName, ...rest] = positionals
    if (verbName === undefined) {
      if (values.help) {
        process.stdout.write(`${USAGE}\n`)
        return EXIT.clean
      }
      throw new UsageError('no verb given; try dmaplan --help')
    }
    const verb = VERBS[verbName]
    if (verb === undefined) throw new UsageError(`unknown verb ${verbName}; the verbs are ${Object.keys(VERBS).join(', ')}`)
    if (values.help) {
      process.stdout.write(`${verb.usage}\n`)
      return EXIT.clean
    }
    return await verb.run(rest, values.json === true)
  } catch (e) {
    if (e instanceof UsageError || e instanceof InputError) {
      out.error(e.message)
      return EXIT.input
    }
    const code = (e as { code?: string }).code
    if (typeof code === 'string' && code.startsWith('ERR_PARSE_ARGS_')) {
      const option = (e as Error).message.match(/'([^']+)'/)?.[1]
      out.error(option ? `unknown or malformed option ${option}; try dmaplan --help` : 'malformed arguments; try dmaplan --help')
      return EXIT.input
    }
    throw e
  }
}
