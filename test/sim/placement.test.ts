/**
 * Placement of the regions the model places (computeLayout): top-down from
 * the top of RAM, around what the plan placed itself, each at the highest
 * free granule-aligned address. Checked against the plain search it must
 * equal (every placed range tried in turn), over random plans.
 */
import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { platform } from '../../src/index.js'
import { computeLayout, ramRanges } from '../../src/sim/mem/layout.js'
import type { PhysRange } from '../../src/sim/mem/phys-mem.js'

const PAGE = 0x1000n

/** The highest aligned [a, a + size) in one of free not overlapping used: every aligned address tried, from the top. */
function plainTopDown(free: readonly PhysRange[], used: readonly PhysRange[], size: bigint): bigint | undefined {
  for (const r of [...free].sort((a, b) => (a.start < b.start ? 1 : -1)))
    for (let a = (r.end - size) & ~(PAGE - 1n); a >= r.start; a -= PAGE) if (!used.some((u) => u.start < a + size && a < u.end)) return a
  return undefined
}

describe('computeLayout', () => {
  it('places each region where the plain top-down search puts it, around regions the plan placed', () => {
    // 64 MiB of RAM: small enough for the plain search to try every page.
    const ramBytes = 0x4000000n
    fc.assert(
      fc.property(
        fc.array(fc.record({ pages: fc.integer({ min: 1, max: 2048 }), at: fc.option(fc.integer({ min: 256, max: 0x3fff }), { nil: undefined }) }), { minLength: 1, maxLength: 24 }),
        (specs) => {
          const host = platform({ kernel: '7.0', iommu: { mode: 'none' }, ramBytes })
          const nic = host.device('nic0', { dmaMask: 64 })
          // Plan-placed regions that overlap each other are another rule's concern: keep the first of them.
          const given: PhysRange[] = []
          const regions = specs.map((s, i) => {
            const phys = s.at === undefined ? undefined : BigInt(s.at) * PAGE
            const end = phys === undefined ? 0n : phys + BigInt(s.pages) * PAGE
            if (phys !== undefined && end <= ramBytes && !given.some((g) => g.start < end && phys < g.end)) {
              given.push({ start: phys, end })
              return host.ram(`r${i}`, { pages: s.pages, phys })
            }
            return host.ram(`r${i}`, { pages: s.pages })
          })
          let b = host.plan(nic, { name: 'place' }).transaction('tx', { strategy: 'page', dir: 'to-device' }, [regions[0] as (typeof regions)[0]])
          for (const r of regions.slice(1)) b = b.cpuWrites(r)
          const plan = b.unmap('tx').build()
          const used: PhysRange[] = [{ start: 0n, end: 1n << 20n }, ...given]
          const expected = new Map<string, bigint | undefined>()
          for (const r of plan.regions) {
            if (r.phys !== undefined) continue
            const at = plainTopDown(ramRanges(ramBytes), used, r.bytes)
            expected.set(r.name, at)
            if (at === undefined) break
            used.push({ start: at, end: at + r.bytes })
          }
          const placed = () => computeLayout(plan, { swiotlb: false, coherentLimit: new Map(), granule: PAGE })
          // A region that fits nowhere is refused with a sentence naming it.
          const unplaced = [...expected].find(([, at]) => at === undefined)?.[0]
          if (unplaced !== undefined) {
            expect(placed).toThrow(new RegExp(`region ${unplaced} .* does not fit`))
            return
          }
          const layout = placed()
          for (const [name, at] of expected) expect(layout.regions.get(name)?.phys, name).toBe(at)
        },
      ),
      { numRuns: 80 },
    )
  })
})
