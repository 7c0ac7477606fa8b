/**
 * The dmaplan command line. Exit status: 0 clean, 1 a rule is broken or the
 * simulation finds a defect, 2 bad usage or unreadable input. Every problem
 * is one sentence; a stack trace means a bug in dmaplan itself.
 */
import { parseArgs } from 'node:util'
import type { ParseArgsConfig } from 'node:util'
import { EXIT, InputError, UsageError } from './errors.js'
import { consoleOutput } from './output.js'
import { printable } from './printable.js'
import { GEN_OPTIONS, IMPORT_OPTIONS, SIMULATE_ONLY_OPTIONS, SIMULATE_OPTIONS } from './verb-options.js'

type Options = NonNullable<ParseArgsConfig['options']>
type Values = Record<string, string | boolean | undefined>

interface Verb {
  readonly summary: string
  /** A function where the text quotes the model (loaded for --help only: a verb starts without it). */
  readonly usage: string | ((facts: HelpFacts) => string)
  readonly options: Options
  run(args: readonly string[], values: Values): Promise<number>
}

const COMMON: Options = {
  json: { type: 'boolean', default: false },
  help: { type: 'boolean', short: 'h', default: false },
}

/** What usage texts quote from the model. */
export interface HelpFacts {
  readonly ruleRange: string
  readonly kernels: readonly string[]
  /** Each strategy with its descriptor's summary, one line each. */
  readonly strategies: string
}

async function helpFacts(): Promise<HelpFacts> {
  const [{ RULE_RANGE }, { KERNEL_VERSIONS }, { DESCRIPTORS, summaryText }] = await Promise.all([
    import('../plan/rules/registry.js'),
    import('../plan/kernel.js'),
    import('../strategies/index.js'),
  ])
  const width = Math.max(...DESCRIPTORS.map((d) => d.name.length))
  const indent = ' '.repeat(width + 4)
  const strategies = DESCRIPTORS.map((d) => {
    // Wrapped at 100 columns, continuation lines under the text.
    const lines: string[] = []
    for (const word of summaryText(d).split(' ')) {
      const last = lines.length - 1
      if (last >= 0 && indent.length + (lines[last] as string).length + 1 + word.length <= 100) lines[last] += ` ${word}`
      else lines.push(word)
    }
    return lines.map((l, i) => (i === 0 ? `  ${d.name.padEnd(width)}  ${l}` : `${indent}${l}`)).join('\n')
  }).join('\n')
  return { ruleRange: RULE_RANGE, kernels: KERNEL_VERSIONS, strategies }
}

const VERBS: Record<string, Verb> = {
  check: {
    summary: 'check <plan.ts|plan.json ...>    type-check and validate plans; prints file:line:col rule sentence',
    usage: `usage: dmaplan check <plan.ts|plan.json ...> [--json]

Type-checks .ts plans (TypeScript 7's native tsc, one run for all the files,
else the TypeScript 6 compiler API) and validates every plan at run time;
prints each violation as file:line:col rule sentence.
Exit 0 clean, 1 a rule is broken, 2 bad usage or unreadable input.`,
    options: {},
    async run(args, values) {
      if (args.length === 0) throw new UsageError('check needs at least one plan file')
      // Each verb's module loads when it runs: --help and a plan check start without the others' dependencies.
      const { check } = await import('./check.js')
      return check(args, consoleOutput(values.json === true))
    },
  },
  simulate: {
    summary: 'simulate <plan> [--json]          run a plan on the model of the kernel\'s DMA layer',
    usage: `usage: dmaplan simulate <plan.ts|plan.json> [--json] [--html FILE [--force]] [fault injection] [--debug [--debug-entries N]] [--unbind]

Runs the plan on a model of the Linux DMA layer (IOMMU and IOVA allocator,
swiotlb, dma-direct, P2P) and prints what the kernel did: calls, the device's
scatter-gather list, bounce and IOTLB work, findings, the data check.

  --json               the result as JSON (64-bit values as hex strings)
  --html FILE          also write a self-contained page that draws each transaction:
                       physical ranges, IOVA space, the scatter-gather list, the links
                       between them, bounce slots, findings (never over an existing
                       file unless --force)
  --fail-at-call N     make the N-th fallible kernel call fail
  --exhaust-iova       every IOVA allocation fails
  --swiotlb-full       every swiotlb slot is taken
  --p2p-unsupported    every P2P provider is unreachable
  --debug              a kernel built with CONFIG_DMA_API_DEBUG
  --debug-entries N    dma-debug's preallocated entries (the boot parameter dma_debug_entries=)
  --unbind             unbind the driver after the plan (mappings still alive are reported)

Exit 0 clean, 1 a rule is broken or the simulation finds a defect, 2 bad usage or unreadable input.`,
    options: SIMULATE_ONLY_OPTIONS,
    async run(args, values) {
      if (args.length !== 1) throw new UsageError('simulate takes one plan file')
      const { simulateVerb } = await import('./simulate.js')
      return simulateVerb(args[0] as string, values, consoleOutput(values.json === true))
    },
  },
  gen: {
    summary: 'gen <plan> --out DIR               kernel C for the plan (or pseudo code, or the plan as TypeScript)',
    usage: (facts) => `usage: dmaplan gen <plan.ts|plan.json> --out DIR [--target module|harness|pseudo|sim-ts]
                   [--strategy S] [--kernel X.Y] [--force] [--json]

  module   a kbuild directory: make -C /usr/src/linux-headers-<version> M=DIR modules
  pseudo   a readable rendering of the same logic
  harness  the module driving QEMU's edu device and printing what the kernel did
  sim-ts   the plan as a TypeScript module that dmaplan simulate runs unchanged

--strategy maps every transaction with S, one of (docs/strategies.md):
${facts.strategies}
--kernel targets another release, ${facts.kernels[0]} to ${facts.kernels[facts.kernels.length - 1]}. The rules must still hold.
DIR must be empty unless --force; files are written atomically. A plan that
breaks a rule produces no code, only its sentences (exit 1).`,
    options: GEN_OPTIONS,
    async run(args, values) {
      if (args.length !== 1) throw new UsageError('gen takes one plan file')
      const { gen } = await import('./gen.js')
      return gen(args[0] as string, values, consoleOutput(values.json === true))
    },
  },
  plan: {
    summary: 'plan <plan.ts> [--json]           the plan as JSON, as the simulator and the generator read it',
    usage: `usage: dmaplan plan <plan.ts|plan.json> [--json]

Builds the plan and prints it as the IR's JSON (schema/plan.schema.json), the
form dmaplan reads from .json files; --json prints the same. A plan that breaks
a rule prints its sentences instead, as check does.
Exit 0 printed, 1 a rule is broken, 2 bad usage or unreadable input.`,
    options: {},
    async run(args, values) {
      if (args.length !== 1) throw new UsageError('plan takes one plan file')
      const { planVerb } = await import('./plan.js')
      return planVerb(args[0] as string, consoleOutput(values.json === true))
    },
  },
  compare: {
    summary: 'compare <plan> [--json]           every transaction under every strategy that can map it, side by side',
    usage: `usage: dmaplan compare <plan.ts|plan.json> [--kernel X.Y] [--json] [fault injection] [--debug [--debug-entries N]]

Simulates each transaction of the plan under every strategy that can map it
(the others are listed with the rule they break) and prints, side by side:
kernel calls, IOVA pages, page-table writes, IOTLB flushes, bounce bytes,
hardware segments, metadata bytes. The planned strategy is marked with *.
Transactions of one shape (a driver's recurring mapping in an imported
trace) are compared once and named together. --kernel compares on another
release than the plan's.`,
    options: { ...SIMULATE_OPTIONS, kernel: { type: 'string' } },
    async run(args, values) {
      if (args.length !== 1) throw new UsageError('compare takes one plan file')
      const [{ compare }, { simOptions }, { kernelOption }] = await Promise.all([import('./compare.js'), import('./simulate.js'), import('./kernel-option.js')])
      return compare(args[0] as string, simOptions(values), consoleOutput(values.json === true), kernelOption(values.kernel))
    },
  },
  import: {
    summary: 'import <trace> [--platform NAME]  a trace of the kernel\'s dma events as a plan',
    usage: `usage: dmaplan import <trace> [--platform NAME|FILE] [--kernel X.Y] [--device PCI] [--dma-mask BITS] [--name NAME] [--out plan.json [--force]] [--json]
       dmaplan import --probes

Reads the text of tracefs's trace file or of trace-cmd report (the kernel's
dma trace events, 6.12 to 7.3) and writes the device's traffic as a plan: each
mapping a transaction of the strategy that made it, with the DMA addresses the
kernel gave kept as observed; prints one line of what it read.

  --platform NAME      the set-up the trace was recorded on: vtd-strict, vtd-lazy,
                       passthrough, none, bounce (else inferred from the DMA addresses)
  --platform FILE      or a platform of a .json file (a plan's platform, or a plan)
                       or of a .ts module (its default export: platform({...}) or a plan)
  --kernel X.Y         the release the trace came from (else inferred from the event names)
  --device PCI         only this device's events (else the busiest device's)
  --dma-mask BITS      the device's DMA mask (else inferred from the addresses behind an
                       IOMMU, 64 bits without one)
  --name NAME          the plan's name (a C identifier; else the trace file's)
  --out FILE           write the plan there (never over a file unless --force);
                       else print it after the summary line
  --probes             print the probe events that record what the dma events do not
                       (the two-step IOVA API, the lazy flush queue's timer): fprobe
                       events for /sys/kernel/tracing/dynamic_events, one a line (a
                       release refuses those of functions it lacks); enable them with
                       events/dmaplan/enable

Exit 0 imported, 2 bad usage or a trace that does not read (file:line and why).`,
    options: IMPORT_OPTIONS,
    async run(args, values) {
      if (values.probes === true) {
        if (args.length !== 0) throw new UsageError('import --probes takes no trace file')
        const { IOVA_PROBES } = await import('../import/iova-probes.js')
        for (const p of IOVA_PROBES) consoleOutput(false).print(p)
        return EXIT.clean
      }
      if (args.length !== 1) throw new UsageError('import takes one trace file')
      const { importVerb } = await import('./import-trace.js')
      return importVerb(args[0] as string, values, consoleOutput(values.json === true))
    },
  },
  init: {
    summary: 'init <DIR> [--from PATH]          a plans project: package.json, tsconfig with the editor plugin, an example',
    usage: `usage: dmaplan init <DIR> [--from PATH] [--json]

Writes a plans project into DIR: package.json depending on dmaplan (from npm,
or from PATH, a checkout or a packed .tgz) and on the TypeScript the rules are
tested on, tsconfig.json with dmaplan's language-service plugin enabled
(docs/editor.md), plans/rdma-mr.ts and a README of the next commands.
Exit 0 written, 2 bad usage or a file of the project already exists (nothing
is written over it).`,
    options: { from: { type: 'string' } },
    async run(args, values) {
      if (args.length !== 1) throw new UsageError('init takes one directory')
      const { initVerb } = await import('./init.js')
      return initVerb(args[0] as string, typeof values.from === 'string' ? values.from : undefined, consoleOutput(values.json === true))
    },
  },
  explain: {
    summary: 'explain <rule-or-finding ...>     a rule or a finding in plain words, its kernel code, what to do',
    usage: (facts) => `usage: dmaplan explain <rule-or-finding ...> [--json]

  rules: ${facts.ruleRange}; findings: the ids a simulation reports (D1-D22 from dma-debug,
  K-R*/K-S*/K-P* from the kernel's behaviour, DMAR, DMA, DATA, MAP, LEAK).`,
    options: {},
    async run(args, values) {
      const { explain } = await import('./explain.js')
      return explain(args, consoleOutput(values.json === true))
    },
  },
}

const USAGE = `usage: dmaplan <verb> [options]

${Object.values(VERBS)
  .map((v) => `  ${v.summary}`)
  .join('\n')}

Every verb takes --help and --json. Exit status: 0 clean, 1 a rule is broken or
a defect found, 2 bad usage or unreadable input.`

/** What the arguments ask for: help (text to print), or a verb with its positionals and options. */
export type CommandLine =
  | { readonly help: string | ((facts: HelpFacts) => string) }
  | { readonly verb: string; readonly positionals: readonly string[]; readonly values: Values }

/**
 * The arguments read against the verbs' options; anything else is a
 * UsageError with one sentence (node:util's parseArgs errors included).
 */
export function parseCommandLine(argv: readonly string[]): CommandLine {
  try {
    const first = argv.findIndex((a) => !a.startsWith('-'))
    const verbName = first === -1 ? undefined : argv[first]
    if (verbName === undefined) {
      const { values } = parseArgs({ args: [...argv], options: COMMON, strict: true, allowPositionals: false })
      if (values.help) return { help: USAGE }
      throw new UsageError('no verb given; try dmaplan --help')
    }
    const verb = Object.hasOwn(VERBS, verbName) ? VERBS[verbName] : undefined
    if (verb === undefined) throw new UsageError(`unknown verb ${printable(verbName)}; the verbs are ${Object.keys(VERBS).join(', ')}`)
    const rest = [...argv.slice(0, first), ...argv.slice(first + 1)]
    const { values, positionals } = parseArgs({ args: rest, options: { ...COMMON, ...verb.options }, strict: true, allowPositionals: true })
    if (values.help) return { help: verb.usage }
    return { verb: verbName, positionals, values: values as Values }
  } catch (e) {
    const code = (e as { code?: string }).code
    if (typeof code === 'string' && code.startsWith('ERR_PARSE_ARGS_')) {
      const option = (e as Error).message.match(/'([^']+)'/)?.[1]
      throw new UsageError(option ? `unknown or malformed option ${printable(option)}; try dmaplan --help` : 'malformed arguments; try dmaplan --help')
    }
    throw e
  }
}

export async function main(argv: readonly string[]): Promise<number> {
  const out = consoleOutput(false)
  try {
    const line = parseCommandLine(argv)
    if ('help' in line) {
      process.stdout.write(`${typeof line.help === 'string' ? line.help : line.help(await helpFacts())}\n`)
      return EXIT.clean
    }
    return await (VERBS[line.verb] as Verb).run(line.positionals, line.values)
  } catch (e) {
    if (e instanceof UsageError || e instanceof InputError) {
      out.error(e.message)
      return EXIT.input
    }
    throw e
  }
}
