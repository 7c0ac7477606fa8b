/**
 * Quick fixes through the plugin: every fix of a rule's diagnostic, applied
 * to the file, makes that diagnostic go away (the language service checks
 * the edited file again).
 */
import { join } from 'node:path'
import ts from 'typescript'
import { describe, expect, it } from 'vitest'
import { ROOT, invalidFixtureFiles } from '../support/fixtures.js'
import { planService } from '../support/language-service.js'
import type { PlanService } from '../support/language-service.js'

const examples = invalidFixtureFiles().filter((f) => f.includes('examples/invalid'))
const service = planService(examples)
const text = (d: ts.Diagnostic) => ts.flattenDiagnosticMessageText(d.messageText, '\n')

function fixesOf(s: PlanService, file: string, d: ts.Diagnostic): readonly ts.CodeFixAction[] {
  return s.ls.getCodeFixesAtPosition(file, d.start as number, (d.start as number) + (d.length as number), [d.code], {}, {}).filter((f) => f.fixName === 'dmaplan')
}

function applied(original: string, fix: ts.CodeFixAction): string {
  const changes = [...(fix.changes[0] as ts.FileTextChanges).textChanges].sort((a, b) => b.span.start - a.span.start)
  return changes.reduce((t, c) => t.slice(0, c.span.start) + c.newText + t.slice(c.span.start + c.span.length), original)
}

/** Every fix of every diagnostic, applied alone: the file after it, and the diagnostics the service then gives. */
function tryFixes(file: string): Array<{ sentence: string; description: string; after: string[] }> {
  const original = service.text(file)
  const out = []
  for (const d of service.ls.getSemanticDiagnostics(file))
    for (const fix of fixesOf(service, file, d)) {
      service.set(file, applied(original, fix))
      out.push({ sentence: text(d), description: fix.description, after: service.ls.getSemanticDiagnostics(file).map(text) })
      service.set(file, original)
    }
  return out
}

const withFixes = ['r1-', 'r10-', 'r2-', 'r3-', 'r5-', 'r6-', 'r7-', 'r8-', 'r9-']

describe('quick fixes', () => {
  it.each(examples.map((f) => [f.slice(ROOT.length + 1), f]))('%s: each fix removes its diagnostic', (_, file) => {
    const tried = tryFixes(file)
    const name = file.split('/').pop() as string
    expect(tried.length > 0).toBe(withFixes.some((p) => name.startsWith(p)))
    for (const t of tried) expect(t.after, t.description).not.toContain(t.sentence)
  })

  it('R2, R6: a split keeps the transaction\'s life (its unmap, the steps on the region moved), after which the plan is clean', () => {
    const r6 = join(ROOT, 'examples/invalid/r6-magic-coalescing.ts')
    const r2 = join(ROOT, 'examples/invalid/r2-mixed-kinds.ts')
    const split = (file: string) => {
      const d = service.ls.getSemanticDiagnostics(file)[0] as ts.Diagnostic
      const fix = fixesOf(service, file, d).find((f) => f.description.startsWith('Split ')) as ts.CodeFixAction
      return { description: fix.description, text: applied(service.text(file), fix) }
    }
    const six = split(r6)
    expect(six.description).toBe('Split mr: map hdr in a transaction mr_hdr of its own')
    expect(six.text).toContain(
      "  .transaction('mr', { strategy: 'iova', dir: 'bidirectional' }, [buf])\n  .transaction('mr_hdr', { strategy: 'iova', dir: 'bidirectional' }, [hdr]) // error: R6\n",
    )
    expect(six.text).toContain("  .syncForCpu('mr')\n  .syncForCpu('mr_hdr')\n  .cpuReads(buf)\n  .unmap('mr')\n  .unmap('mr_hdr')\n  .build()")
    // A step on the region that moves names the new transaction.
    const original6 = service.text(r6)
    service.set(r6, original6.replace("  .deviceWrites('mr', buf)\n", "  .deviceWrites('mr', buf)\n  .deviceWrites('mr', hdr)\n"))
    try {
      expect(split(r6).text).toContain("  .deviceWrites('mr', buf)\n  .deviceWrites('mr_hdr', hdr)\n")
    } finally {
      service.set(r6, original6)
    }
    const two = split(r2)
    expect(two.text).toContain("  .unmap('tx')\n  .unmap('tx_vram')\n")
    for (const [file, text] of [[r6, six.text], [r2, two.text]] as const) {
      const original = service.text(file)
      service.set(file, text)
      try {
        expect(service.ls.getSemanticDiagnostics(file).map((d) => ts.flattenDiagnosticMessageText(d.messageText, '\n'))).toEqual([])
      } finally {
        service.set(file, original)
      }
    }
  })

  it('R7: the missing sync; R8: the missing unmap or keep, after which the plan is clean', () => {
    const file = join(ROOT, 'examples/invalid/r6-magic-coalescing.ts')
    const original = service.text(file)
    // A non-coherent device: what it writes is seen by the CPU only after a sync.
    service.set(file, original.replace('{ dmaMask: 64 }', '{ dmaMask: 64, coherent: false }').replace(', hdr]) // error: R6', '])').replace("  .syncForCpu('mr')\n", '').replace("  .unmap('mr')\n", ''))
    try {
      const diags = service.ls.getSemanticDiagnostics(file)
      expect(diags.length).toBe(1)
      expect(text(diags[0] as ts.Diagnostic)).toMatch(/^R7: the CPU reads buf after mlx5_0 wrote it through mr, but mlx5_0 is not DMA-coherent; call syncForCpu\('mr'\) first\.$/)
      const sync = fixesOf(service, file, diags[0] as ts.Diagnostic)
      expect(sync.map((f) => f.description)).toEqual(["Add .syncForCpu('mr') before .cpuReads()"])
      const synced = applied(service.text(file), sync[0] as ts.CodeFixAction)
      expect(synced).toContain("  .syncForCpu('mr')\n  .cpuReads(buf)")
      service.set(file, synced)
      const build = service.ls.getSemanticDiagnostics(file)
      expect(build.map(text)).toEqual(["R8: the plan ends with transaction mr of mlx5_0 still mapped; unmap it, or call .keep('mr') to keep the mapping on purpose."])
      const ends = fixesOf(service, file, build[0] as ts.Diagnostic)
      expect(ends.map((f) => f.description)).toEqual(["Add .unmap('mr') before .build()", "Add .keep('mr') before .build(): the mapping outlives the plan on purpose"])
      for (const f of ends) {
        service.set(file, applied(synced, f))
        expect(service.ls.getSemanticDiagnostics(file)).toEqual([])
      }
    } finally {
      service.set(file, original)
    }
  })
})
