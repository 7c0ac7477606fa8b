/**
 * The type-level alignment of literal sizes (src/dsl/types/arith.ts) agrees
 * with the run-time one (alignmentOf) on a few hundred random regions: the
 * test writes one type assertion per region, with the run-time answer, and
 * compiles them.
 */
import fc from 'fast-check'
import { Project, ts } from 'ts-morph'
import { describe, expect, it } from 'vitest'
import { alignmentOf } from '../../src/dsl/region.js'
import { ROOT } from '../support/fixtures.js'

const GRANULES = [4096, 16384, 65536] as const

describe('type-level alignment agrees with the run time', () => {
  it('for pages, byte ranges and physical addresses', () => {
    const arb = fc.record({
      g: fc.constantFrom(...GRANULES),
      kind: fc.constantFrom('pages', 'bytes', 'phys'),
      pages: fc.integer({ min: 1, max: 5000 }),
      offset: fc.integer({ min: 0, max: 4095 }),
      bytes: fc.oneof(fc.integer({ min: 1, max: 1 << 22 }), fc.constantFrom(4096, 8192, 16384, 65536, 0xe00, 0x1000 - 0x40)),
      phys: fc.bigInt({ min: 1n, max: (1n << 52n) - 1n }),
    })
    const cases = fc.sample(arb, { numRuns: 300, seed: 42 })
    const lines = cases.map((c, i) => {
      const phys = c.kind === 'phys' ? c.phys : undefined
      const offset = phys !== undefined ? Number(phys % 4096n) : c.kind === 'pages' ? 0 : c.offset
      const bytes = c.kind === 'pages' ? c.pages * 4096 : c.bytes
      const spec = c.kind === 'pages' ? `{ pages: ${c.pages} }` : c.kind === 'phys' ? `{ bytes: ${bytes}, phys: ${phys}n }` : `{ offset: ${offset}, bytes: ${bytes} }`
      const expected = alignmentOf({ name: 'r', memory: 'ram', encrypted: false, offset: BigInt(offset), bytes: BigInt(bytes), ...(phys !== undefined ? { phys } : {}) }, c.g)
      return `export const c${i}: Same<SpecAlignment<${spec}, ${c.g}>, '${expected}'> = true`
    })
    const project = new Project({ compilerOptions: { strict: true, noEmit: true, target: ts.ScriptTarget.ES2022, module: ts.ModuleKind.NodeNext, moduleResolution: ts.ModuleResolutionKind.NodeNext, types: [] } })
    project.createSourceFile(
      `${ROOT}/test/dsl/__alignment_cases.ts`,
      `import type { SpecAlignment } from '../../src/dsl/types/arith.js'\ntype Same<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false\n${lines.join('\n')}\n`,
    )
    const diags = project.getPreEmitDiagnostics().map((d) => `${d.getLineNumber()}: ${ts.flattenDiagnosticMessageText(d.compilerObject.messageText, ' ')}`)
    expect(diags).toEqual([])
  })
})
