/**
 * check type-checks through TypeScript 7's native tsc where it is installed
 * and through the TypeScript 6 compiler API otherwise: both must report the
 * same diagnostics, rule sentences and positions, on every plan the project
 * has (the examples, the invalid examples, the invalid fixtures), all
 * compiled by tsc in the one program check gives it.
 */
import { readdirSync } from 'node:fs'
import { join } from 'node:path'
import { beforeAll, describe, expect, it } from 'vitest'
import { compileNative, nativeViolations, parseTscReport, tsc7Binary } from '../../src/cli/native-typecheck.js'
import type { NativeResult } from '../../src/cli/native-typecheck.js'
import { typecheckPlan } from '../../src/cli/typecheck.js'
import type { Located } from '../../src/cli/location.js'
import { invalidFixtureFiles, ROOT, typeLevelMarkers } from '../support/fixtures.js'

const examples = readdirSync(join(ROOT, 'examples'))
  .filter((f) => f.endsWith('.ts'))
  .sort()
  .map((f) => join(ROOT, 'examples', f))
const files = [...examples, ...invalidFixtureFiles()]

describe('parsing tsc --pretty false', () => {
  it('reads each diagnostic with its indented elaborations as one message chain', () => {
    const report = [
      "plan.ts(3,5): error TS2345: Argument of type '\"x\"' is not assignable to parameter of type '\"R1: strategy iova needs a translating IOMMU\"'.",
      "  Type 'string' is not assignable to type 'never'.",
      '    The deepest elaboration.',
      "other.ts(10,24): error TS2322: Type 'number' is not assignable to type 'string'.",
      '',
    ].join('\n')
    expect(parseTscReport(report, '/p')).toEqual([
      {
        file: '/p/plan.ts',
        line: 3,
        column: 5,
        code: 2345,
        text: "Argument of type '\"x\"' is not assignable to parameter of type '\"R1: strategy iova needs a translating IOMMU\"'.\n  Type 'string' is not assignable to type 'never'.\n    The deepest elaboration.",
      },
      { file: '/p/other.ts', line: 10, column: 24, code: 2322, text: "Type 'number' is not assignable to type 'string'." },
    ])
  })

  it('refuses a report it does not know (a global error), so that check falls back to the compiler API', () => {
    expect(parseTscReport("error TS5083: Cannot read file '/p/tsconfig.json'.\n", '/p')).toBeUndefined()
  })
})

describe.skipIf(tsc7Binary() === undefined)('the native compiler agrees with the TypeScript 6 compiler API', () => {
  let native: ReadonlyMap<string, NativeResult> | undefined
  beforeAll(async () => {
    native = await compileNative(files)
  }, 120_000)

  it('checks every plan in one run', () => {
    expect([...(native?.keys() ?? [])].sort()).toEqual([...files].sort())
  })

  for (const file of files) {
    it(`reports what TypeScript 6 reports on ${file.slice(ROOT.length + 1)}`, async () => {
      const ts6 = typecheckPlan([file]).get(file) ?? []
      const ts7: Located[] = await nativeViolations(file, native?.get(file) as NativeResult)
      expect(ts7).toEqual(ts6)
      // Not vacuous: an invalid plan has a diagnostic at each of its markers.
      expect(new Set(ts7.map((v) => Number(v.where.split(':').at(-2))))).toEqual(new Set(typeLevelMarkers(file).map((m) => m.line)))
    }, 60_000)
  }
})
