/** dmaplan explain: every rule and every finding the simulator can report has an explanation. */
import { readdirSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { lookup } from '../../src/cli/explain.js'
import { findingId } from '../../src/sim/findings.js'
import { dmaplan } from '../support/cli.js'
import { ROOT } from '../support/fixtures.js'

function sources(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((d) => (d.isDirectory() ? sources(join(dir, d.name)) : d.name.endsWith('.ts') ? [join(dir, d.name)] : []))
}

describe('dmaplan explain', () => {
  it('knows R1-R9', () => {
    expect([1, 2, 3, 4, 5, 6, 7, 8, 9].map((i) => lookup(`R${i}`)?.title)).toEqual([
      'iova needs an IOMMU and 6.16',
      'uniform transactions hold one memory kind',
      'bus-address P2P never goes through the IOMMU',
      'unreachable P2P memory cannot be mapped',
      'encrypted memory only bounces',
      'no magic coalescing inside an IOVA range',
      'direction and ownership',
      'lifecycle',
      'the kernel version gates features',
    ])
  })

  it('knows every finding id the simulator reports', () => {
    const ids = new Set<string>()
    for (const file of sources(join(ROOT, 'src/sim'))) {
      const text = readFileSync(file, 'utf8')
      for (const m of text.matchAll(/(?:report|#err|warnOnce)\(\s*(?:'[^']*',\s*)?'([A-Z][A-Z0-9-]*)'/g)) ids.add(findingId(m[1] as string))
      for (const m of text.matchAll(/\.report\(\s*\n\s*'([A-Z][A-Z0-9-]*)'/g)) ids.add(findingId(m[1] as string))
    }
    expect(ids.size).toBe(51)
    const unknown = [...ids].filter((id) => lookup(id) === undefined)
    expect(unknown).toEqual([])
  })

  it('prints the explanation, or --json, and refuses what it does not know', () => {
    const r = dmaplan(['explain', 'D9'])
    expect(r.status).toBe(0)
    expect(r.stdout).toMatch(/^D9: free of memory that is not mapped/)
    expect(r.stdout).toMatch(/Kernel:\n  kernel\/dma\/debug\.c/)
    const j = JSON.parse(dmaplan(['explain', 'k-r6', '--json']).stdout)
    expect(j.id).toBe('K-R6')
    const bad = dmaplan(['explain', 'R99'])
    expect(bad.status).toBe(2)
    expect(bad.stderr).toMatch(/R99 is not a rule or finding/)
  })
})
