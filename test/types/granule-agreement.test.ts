/**
 * Rule R6 (no magic coalescing inside an IOVA range: only the first range
 * may start off the IOMMU granule, only the last may end off it;
 * drivers/iommu/dma-iommu.c dma_iova_link()) is decided twice, by the
 * builder's type-level arithmetic (src/dsl/types) and at run time
 * (src/plan/rules/r6-iova-granule.ts); this test holds them to each other on
 * every case of a complete domain: each granule (4, 16 and 64 KiB), one to
 * three ranges, each starting on the granule, off it inside a page, or (for
 * a granule above a page) on a page but off the granule, and each ending on
 * the granule, past it, or short of it (less than a granule). Both sides
 * must name the same first finding with the same sentence, or both accept.
 */
import { beforeAll, describe, expect, it } from 'vitest'
import { compileAndRun } from './agreement-cases.js'
import type { Outcome } from './agreement-cases.js'

const GRANULES = [4096, 16384, 65536] as const
const hex = (n: number) => `0x${n.toString(16)}`

interface Range {
  readonly start: number
  readonly bytes: number
  readonly what: string
}

function ranges(g: number): Range[] {
  const starts = [0, 0x200, ...(g > 4096 ? [0x1000] : [])]
  return starts.flatMap((s) => [
    { start: s, bytes: g - s, what: `${hex(s)}+${hex(g - s)} (ends on the granule)` },
    { start: s, bytes: g - s + 0x300, what: `${hex(s)}+${hex(g - s + 0x300)} (ends past it)` },
    { start: s, bytes: 0x300, what: `${hex(s)}+0x300 (short)` },
  ])
}

const tuples = <T>(xs: readonly T[], n: number): T[][] => (n === 0 ? [[]] : tuples(xs, n - 1).flatMap((t) => xs.map((x) => [...t, x])))

interface Case {
  readonly what: string
  readonly code: string
}

function cases(): Case[] {
  const out: Case[] = []
  for (const g of GRANULES)
    for (let n = 1; n <= 3; n++)
      for (const rs of tuples(ranges(g).map((r, k) => ({ ...r, k })), n)) {
        const regions = rs.map((r, i) => `R_${g}_${i}_${r.k}`)
        const code = `H_${g}.plan(NIC_${g}).transaction('t', { strategy: 'iova', dir: 'to-device' }, [${regions.join(', ')}]).unmap('t').build()`
        out.push({ what: `granule ${g}: ${rs.map((r) => r.what).join(', ')}`, code })
      }
  return out
}

/**
 * One platform per granule, and each range at each position declared once:
 * the compiler works out a platform's tables and a range's alignment once,
 * and every case is one transaction over them. Each position has its own
 * 256 MiB-aligned place, so the granule decides alone.
 */
function prelude(): string {
  return GRANULES.flatMap((g) => [
    `const H_${g} = platform({ kernel: '7.0', iommu: { mode: 'translated', granule: ${g} } })`,
    `const NIC_${g} = H_${g}.device('nic0', { dmaMask: 64 })`,
    ...[0, 1, 2].flatMap((i) =>
      ranges(g).map((r, k) => `const R_${g}_${i}_${k} = H_${g}.ram('r${i}_${k}', { bytes: ${hex(r.bytes)}, phys: ${hex(0x10000000 * (i + 1) + r.start)} })`),
    ),
  ]).join('\n')
}

const all = cases()
let outcomes: Outcome[] = []

beforeAll(async () => {
  outcomes = await compileAndRun('granule', all.map((c) => c.code), prelude())
}, 300_000)

describe('granule alignment (R6)', () => {
  it('is the same at type level and at run time on every case', () => {
    const disagree = all.flatMap((c, i) => {
      const t = outcomes[i]?.typeLevel ?? null
      const r = outcomes[i]?.runTime ?? null
      const same = r === null ? t === null : t !== null && t.includes(r.text)
      return same ? [] : [`${c.what}: types ${t ?? 'accept'}; run time ${r?.text ?? 'accepts'}`]
    })
    console.log(`granule alignment: ${all.length} cases, ${outcomes.filter((o) => o.runTime !== null).length} refused, ${disagree.length} disagreements`)
    expect(disagree).toEqual([])
  })

  it('refuses only by R6, and both refuses and accepts', () => {
    expect([...new Set(outcomes.map((o) => o.runTime?.rule ?? 'accepted'))].sort()).toEqual(['R6', 'accepted'])
  })
})
