/**
 * Properties over at least 1,000 random valid plans per run (fast-check
 * drives the seeds): teardown leaves nothing mapped, data round-trips,
 * IOVA ranges never overlap, every mapped DMA address is under the device's
 * limit, and the same plan gives the same result. Known kernel bugs are
 * switched off here; each has its own test.
 */
import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { DMA_BIT_MASK } from '../../src/sim/addr.js'
import { IovaDomain } from '../../src/sim/iommu/iova.js'
import { resultToJson } from '../../src/sim/index.js'
import { runPlan } from '../../src/sim/run/simulate.js'
import { NO_QUIRKS } from './plan-defects.js'
import { genPlan } from './plan-gen.js'
import { expandSegments } from '../../src/sim/result/segments.js'

const RUNS = 1000

describe('properties of random valid plans', () => {
  it(`hold for ${RUNS} plans: clean teardown, round-tripping data, disjoint IOVAs, addresses under the limit, determinism`, () => {
    let plans = 0
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 2 ** 31 - 1 }), (seed) => {
        const plan = genPlan(seed)
        fc.pre(plan !== undefined)
        if (plan === undefined) return
        plans++
        const { result, machine } = runPlan(plan, { changes: NO_QUIRKS })
        const kept = result.teardown.keptTransactions.length > 0
        if (!kept) {
          expect(result.teardown.liveIovaPages, 'IOVA left').toBe(0)
          expect(result.teardown.livePtes, 'PTEs left').toBe(0)
          expect(result.teardown.bounceSlots, 'bounce slots left').toBe(0)
          expect(result.teardown.dmaDebugEntries, 'dma-debug entries left').toBe(0)
          expect(result.findings.filter((f) => f.id === 'LEAK')).toEqual([])
        }
        expect(result.data.errors, `seed ${seed}`).toEqual([])
        // A device access through a mapping that failed (MAP) is reported; anything else is a defect.
        const failedTx = new Set(result.findings.filter((f) => f.id === 'MAP').map((f) => f.tx))
        expect(
          result.findings.filter((f) => (f.id === 'DMAR' || f.id === 'DMA' || f.id === 'DATA') && !failedTx.has(f.tx)),
          `seed ${seed}`,
        ).toEqual([])
        const d = machine.domain
        if (d) {
          const nodes = [...d.iovad.allocated(), ...d.iovad.reservedRanges()].sort((a, b) => a.lo - b.lo)
          for (let i = 1; i < nodes.length; i++) expect((nodes[i - 1]?.hi ?? 0) < (nodes[i]?.lo ?? 0), `seed ${seed}`).toBe(true)
        }
        const limit = DMA_BIT_MASK(plan.devices[0]?.dmaMask ?? 64)
        for (const t of result.transactions)
          for (const s of expandSegments(t.segments)) {
            const dma = BigInt(s.dma)
            if (machine.p2p.barOfBusAddr(dma) !== undefined) continue
            expect(dma + BigInt(s.len) - 1n <= limit, `seed ${seed} ${t.name} ${s.dma}`).toBe(true)
          }
        expect(resultToJson(runPlan(plan, { changes: NO_QUIRKS }).result)).toBe(resultToJson(result))
      }),
      { numRuns: RUNS, seed: 20260701, endOnFailure: true },
    )
    expect(plans).toBe(RUNS)
  })

  it('the IOVA allocator never hands out overlapping, misaligned or out-of-limit ranges under random alloc/free', () => {
    fc.assert(
      fc.property(fc.array(fc.tuple(fc.boolean(), fc.integer({ min: 1, max: 80 }), fc.nat()), { minLength: 1, maxLength: 200 }), (ops) => {
        const d = new IovaDomain(4096, 1)
        const live: { lo: number; hi: number }[] = []
        const limit = 0x4000
        for (const [alloc, size, pick] of ops) {
          if (alloc || live.length === 0) {
            const n = d.allocRange(size, limit, true)
            if (n === undefined) continue
            const align = 2 ** Math.ceil(Math.log2(size))
            expect(n.lo % align).toBe(0)
            expect(n.lo).toBeGreaterThanOrEqual(1)
            expect(n.hi).toBeLessThan(limit)
            for (const l of live) expect(n.hi < l.lo || n.lo > l.hi).toBe(true)
            live.push(n)
          } else {
            const [x] = live.splice(pick % live.length, 1)
            if (x) d.freePfn(x.lo)
          }
        }
      }),
      { numRuns: 300, seed: 7 },
    )
  })
})
