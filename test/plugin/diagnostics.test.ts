/**
 * The plugin's diagnostics through a real language service: each invalid
 * example's rule diagnostic starts with its sentence and links `dmaplan
 * explain Rn`; a misspelt name gets "did you mean"; one mistake is one
 * diagnostic.
 */
import { join } from 'node:path'
import ts from 'typescript'
import { describe, expect, it } from 'vitest'
import { ROOT, invalidFixtureFiles, typeLevelMarkers } from '../support/fixtures.js'
import { planService } from '../support/language-service.js'

const examples = invalidFixtureFiles().filter((f) => f.includes('examples/invalid'))
const service = planService([...examples, join(ROOT, 'examples/rdma-mr.ts')])
const text = (d: ts.Diagnostic) => ts.flattenDiagnosticMessageText(d.messageText, '\n')

describe('rule diagnostics', () => {
  it.each(examples.map((f) => [f.slice(ROOT.length + 1), f]))('%s: the sentence first, and dmaplan explain', (_, file) => {
    const want = typeLevelMarkers(file)
    const diags = service.ls.getSemanticDiagnostics(file)
    expect(diags.length).toBe(want.length)
    const plain = service.plain.getSemanticDiagnostics(file)
    for (const [i, d] of diags.entries()) {
      const rule = (want[i] as { rule: string }).rule
      expect(text(d)).toMatch(new RegExp(`^${rule}: `))
      // The compiler's own text quotes the same sentence after the types.
      expect(text(plain[i] as ts.Diagnostic)).toContain(`"${text(d)}"`)
      expect(d.relatedInformation?.map((r) => text(r as ts.Diagnostic))).toContain(
        `dmaplan explain ${rule}: the rule in plain words, the kernel code behind it, what to do.`,
      )
    }
  })

  it('leaves a valid plan without diagnostics', () => {
    expect(service.ls.getSemanticDiagnostics(join(ROOT, 'examples/rdma-mr.ts'))).toEqual([])
  })
})

describe('one mistake, one diagnostic', () => {
  const file = join(ROOT, 'examples/invalid/r8-double-unmap.ts')
  const original = service.text(file)

  it('a misspelt transaction gets did you mean, and build() says nothing more', () => {
    service.set(file, original.replace(".unmap('tx')\n  .unmap('tx') // error: R8", ".unmap('tz')"))
    try {
      expect(service.plain.getSemanticDiagnostics(file).map((d) => d.code)).toEqual([2345, 2349])
      const diags = service.ls.getSemanticDiagnostics(file)
      expect(diags.map(text)).toEqual([
        "R8: transaction tz of nic0 is not mapped here; map it with .transaction('tz', ...) before any access, sync or unmap. Did you mean 'tx'?",
      ])
    } finally {
      service.set(file, original)
    }
  })

  it('a misspelt strategy gets the run-time sentence with the nearest strategy', () => {
    service.set(file, original.replace("strategy: 'page'", "strategy: 'pgae'").replace(".unmap('tx') // error: R8", ''))
    try {
      expect(service.plain.getSemanticDiagnostics(file).map(text)).toEqual([`Type '"pgae"' is not assignable to type '"strategy 'pgae' is not one of iova, page, sg, p2p-bus, hmm, blk, coherent, auto."'.`])
      expect(service.ls.getSemanticDiagnostics(file).map(text)).toEqual([
        "strategy 'pgae' is not one of iova, page, sg, p2p-bus, hmm, blk, coherent, auto. Did you mean page?",
      ])
    } finally {
      service.set(file, original)
    }
  })
})

describe('a name that is not a C identifier', () => {
  const file = join(ROOT, 'examples/invalid/r8-double-unmap.ts')
  const original = service.text(file)

  it('reads as the run time says it, with the identifier to use, for the plan, a device and a region', () => {
    const edited = original
      .replace("device('nic0'", "device('nic 0'")
      .replace("ram('buf'", "ram('2buf'")
      .replace('.plan(nic)', ".plan(nic, { name: 'double-unmap' })")
      .replace(".unmap('tx') // error: R8", '')
    service.set(file, edited)
    const why = 'is not a C identifier, and the generated C names its struct and functions after it: use letters, digits and _, not starting with a digit, at most 48 characters.'
    try {
      expect(service.ls.getSemanticDiagnostics(file).map(text)).toEqual([
        `device name 'nic 0' ${why} Perhaps nic_0.`,
        `region name '2buf' ${why} Perhaps _2buf.`,
        `plan name 'double-unmap' ${why} Perhaps double_unmap.`,
      ])
    } finally {
      service.set(file, original)
    }
  })
})

describe('on TypeScript 5.9 (the one tsd bundles)', () => {
  it('the same sentence first, and the same hover', async () => {
    const { createRequire } = await import('node:module')
    const ts59 = createRequire(import.meta.url)('@tsd/typescript') as typeof ts
    expect(ts59.version).toMatch(/^5\.9\./)
    const file = join(ROOT, 'examples/invalid/r6-magic-coalescing.ts')
    const s = planService([file], ts59)
    expect(s.ls.getSemanticDiagnostics(file).map(text)).toEqual([expect.stringMatching(/^R6: hdr starts off the 4096-byte IOMMU granule of mlx5_0 /)])
    expect(ts59.displayPartsToString(s.ls.getQuickInfoAtPosition(file, s.after(file, '.transac') - 1)?.displayParts)).toMatch(/^transaction mr: iova, bidirectional: /)
  })
})
