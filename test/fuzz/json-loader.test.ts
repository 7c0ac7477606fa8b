/**
 * The JSON plan loader on random input: random bytes, a valid plan's text
 * cut, with bytes flipped or random JSON spliced in, and valid plans with a
 * value replaced by random JSON. Whatever the bytes, loadPlanFile() gives a
 * plan or an InputError of one sentence that names the file, and a plan it
 * gives is one the rules can check without throwing. Any other outcome (a
 * TypeError, a RangeError from the stack, a message over several lines) is a
 * bug of the loader.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import fc from 'fast-check'
import { afterAll, describe, expect, it } from 'vitest'
import { InputError } from '../../src/cli/errors.js'
import { loadPlanFile } from '../../src/cli/load-plan.js'
import { validatePlan } from '../../src/plan/rules/validate.js'
import { jsonPlan, map, op } from '../support/plans.js'

const dir = mkdtempSync(join(tmpdir(), 'dmaplan-fuzz-json-'))
afterAll(() => rmSync(dir, { recursive: true, force: true }))

const VALID = jsonPlan({
  regions: [
    { name: 'buf', memory: 'ram', bytes: '0x2000' },
    { name: 'ring', memory: 'ram', bytes: '0x1000', offset: '0x40' },
  ],
  steps: [
    map('t', 'sg', 'from-device', ['buf', 'ring']),
    op('device-write', { tx: 't', region: 'buf', offset: '0x0', bytes: '0x100' }),
    op('sync-for-cpu', { tx: 't' }),
    op('unmap', { tx: 't' }),
  ],
})
const VALID_TEXT = JSON.stringify(VALID, null, 2)

/** Every leaf's path in a JSON value. */
function paths(v: unknown, at: (string | number)[] = []): (string | number)[][] {
  if (Array.isArray(v)) return [at, ...v.flatMap((x, i) => paths(x, [...at, i]))]
  if (v !== null && typeof v === 'object') return [at, ...Object.entries(v).flatMap(([k, x]) => paths(x, [...at, k]))]
  return [at]
}
const PATHS = paths(VALID)

const put = (v: unknown, path: readonly (string | number)[], x: unknown): unknown => {
  if (path.length === 0) return x
  const [head, ...rest] = path as [string | number, ...(string | number)[]]
  const copy = (Array.isArray(v) ? [...v] : { ...(v as object) }) as Record<string | number, unknown>
  copy[head] = put(copy[head], rest, x)
  return copy
}

/** Values a hostile plan writes where a well-formed one has a string, a number or a list. */
const oddValue = fc.oneof(
  fc.jsonValue({ maxDepth: 3 }),
  fc.constantFrom('0x', '-0x1000', '0x1.8', '0x10000000000000000', '1e400', 'NaN', '', '\u0000', '__proto__', 'constructor', 'buf', 't'),
  fc.constantFrom(-1, 0.5, 2 ** 64, Number.MAX_SAFE_INTEGER + 2, -0),
  fc.bigInt({ min: -(1n << 70n), max: 1n << 70n }).map((b) => b.toString()),
)

const input = fc.oneof(
  // Random bytes (as a user's wrong file would be).
  fc.uint8Array({ maxLength: 300 }).map((b) => Buffer.from(b)),
  // The valid text cut short, or with bytes flipped.
  fc.nat({ max: VALID_TEXT.length }).map((n) => Buffer.from(VALID_TEXT.slice(0, n))),
  fc.array(fc.tuple(fc.nat({ max: VALID_TEXT.length - 1 }), fc.integer({ min: 0, max: 255 })), { minLength: 1, maxLength: 4 }).map((flips) => {
    const b = Buffer.from(VALID_TEXT)
    for (const [at, byte] of flips) b[at] = byte
    return b
  }),
  // Random JSON spliced in at a random place.
  fc.tuple(fc.nat({ max: VALID_TEXT.length }), fc.jsonValue({ maxDepth: 2 })).map(([at, v]) => Buffer.from(VALID_TEXT.slice(0, at) + JSON.stringify(v) + VALID_TEXT.slice(at))),
  // A well-formed document with one value replaced, or a key added beside it.
  fc.tuple(fc.constantFrom(...PATHS), oddValue).map(([path, v]) => Buffer.from(JSON.stringify(put(VALID, path, v)))),
  fc.tuple(fc.constantFrom(...PATHS.filter((p) => p.length > 0)), fc.string({ maxLength: 8 }), oddValue).map(([path, key, v]) =>
    Buffer.from(JSON.stringify(put(VALID, [...path.slice(0, -1), key], v))),
  ),
  // Random JSON documents.
  fc.jsonValue({ maxDepth: 4 }).map((v) => Buffer.from(JSON.stringify(v))),
)

describe('the JSON plan loader on random input', () => {
  it('gives a plan the rules can check, or one sentence naming the file, for 5000 random inputs', async () => {
    let n = 0
    let plans = 0
    await fc.assert(
      fc.asyncProperty(input, async (bytes) => {
        const file = join(dir, `in-${n++}.json`)
        writeFileSync(file, bytes)
        try {
          const loaded = await loadPlanFile(file)
          // Broken rules come back as located violations, each one line; a plan without any is checked again.
          for (const v of loaded.violations) expect(v.message, 'one sentence').not.toMatch(/\n/)
          if (loaded.plan !== undefined) {
            expect(validatePlan(loaded.plan)).toEqual([])
            plans++
          }
        } catch (e) {
          if (!(e instanceof InputError)) throw e
          expect(e.message, 'one sentence').not.toMatch(/\n/)
          expect(e.message).toContain(`in-${n - 1}.json`)
        }
      }),
      { numRuns: 5000, seed: 20261205 },
    )
    // The mutations of the valid plan leave some plans whole: the property sees both outcomes.
    expect(plans).toBeGreaterThan(50)
  }, 120_000)
})
