/**
 * The command line's argument parser on random argument lists: verb names,
 * every verb's options (with and without values, as --opt=value, doubled,
 * abbreviated), names Object.prototype has, and random strings and bytes.
 * Whatever the list, parseCommandLine() gives help text or a verb with its
 * arguments, or a UsageError of one sentence; anything else (a TypeError
 * from a verb looked up on Object.prototype) is a bug of the parser.
 */
import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { UsageError } from '../../src/cli/errors.js'
import { parseCommandLine } from '../../src/cli/main.js'
import { GEN_OPTIONS, IMPORT_OPTIONS, SIMULATE_ONLY_OPTIONS } from '../../src/cli/verb-options.js'

const VERBS = ['check', 'simulate', 'gen', 'plan', 'compare', 'explain', 'import', 'init']
const OPTIONS = [...new Set([...Object.keys(GEN_OPTIONS), ...Object.keys(IMPORT_OPTIONS), ...Object.keys(SIMULATE_ONLY_OPTIONS), 'json', 'help'])]
const PROTOTYPE = Object.getOwnPropertyNames(Object.prototype)

const token = fc.oneof(
  fc.constantFrom(...VERBS, ...PROTOTYPE),
  fc.constantFrom(...OPTIONS).map((o) => `--${o}`),
  fc.tuple(fc.constantFrom(...OPTIONS), fc.string({ maxLength: 6 })).map(([o, v]) => `--${o}=${v}`),
  fc.constantFrom(...OPTIONS).map((o) => `--no-${o}`),
  fc.constantFrom('-', '--', '---', '-h', '-hh', '-x', '-=', '--=', '=', '', ' ', 'plan.json', 'plan.ts', '../x', '\u0000', '-\u0000'),
  fc.string({ maxLength: 12, unit: 'grapheme' }),
  fc.uint8Array({ maxLength: 8 }).map((b) => Buffer.from(b).toString('latin1')),
)

describe('the command line parser on random arguments', () => {
  it('gives help, a verb and its arguments, or one sentence, for 20,000 random argument lists', () => {
    const seen = { help: 0, verb: 0, usage: 0 }
    fc.assert(
      fc.property(fc.array(token, { maxLength: 6 }), (argv) => {
        try {
          const line = parseCommandLine(argv)
          if ('help' in line) seen.help++
          else {
            expect(VERBS).toContain(line.verb)
            seen.verb++
          }
        } catch (e) {
          if (!(e instanceof UsageError)) throw e
          expect(e.message, 'one sentence').not.toMatch(/\n/)
          seen.usage++
        }
      }),
      { numRuns: 20_000, seed: 20261205 },
    )
    // All three answers occur: the lists are not all refused.
    expect(Math.min(seen.help, seen.verb, seen.usage)).toBeGreaterThan(20)
  })

  it("refuses a verb that only Object.prototype has, in one sentence (it was a TypeError and a stack trace)", () => {
    for (const name of ['toString', 'constructor', '__proto__', 'hasOwnProperty'])
      for (const argv of [[name], [name, '--help'], ['--json', name, 'x.json']]) {
        expect(() => parseCommandLine(argv), argv.join(' ')).toThrow(UsageError)
        expect(() => parseCommandLine(argv), argv.join(' ')).toThrow(new RegExp(`^unknown verb ${name}; the verbs are check, `))
      }
  })
})
