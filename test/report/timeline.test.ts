/**
 * The report's step list: one row per plan step in order, with the bytes the
 * step touched, the findings tied to it, and any op it does not know (a
 * later driver step) printed as its op and fields.
 */
import { describe, expect, it } from 'vitest'
import type { Plan, Step } from '../../src/plan/ir.js'
import { stepWhat, timelineSection } from '../../src/report/timeline.js'
import { runPlan } from '../../src/sim/run/simulate.js'
import { allCases, loadExample, renderCase } from './cases.js'
import { attr, drawn, ofKind } from './markup.js'

describe('report timeline', () => {
  it('lists every step of every example in order, with its op and transaction', async () => {
    for (const c of await allCases()) {
      const rows = ofKind(drawn(c.html), 'step')
      expect(rows.map((r) => attr(r, 'data-op')), c.id).toEqual(c.plan.steps.map((s) => s.op))
      expect(rows.map((r) => r.attrs['data-tx']), c.id).toEqual(c.plan.steps.map((s) => ('tx' in s ? s.tx : undefined)))
      // Findings the result ties to a step are linked from its row.
      for (const [n, f] of c.result.findings.entries()) if (f.step !== undefined) expect(c.html, `${c.id} finding ${n}`).toMatch(new RegExp(`data-step="${f.step}"[^>]*>(?:(?!</tr>).)*href="#finding-${n}"`))
    }
  })

  it('says which bytes of which region a step touched', async () => {
    const plan = await loadExample('rdma-mr')
    const c = renderCase('rdma-mr', plan)
    const texts = [...c.html.matchAll(/data-kind="step"[^>]*>(?:(?!<\/tr>).)*?<td class="mono">([^<]*)<\/td>/g)].map((m) => m[1])
    expect(texts).toEqual([
      'hmm: heap [0x0, 0x8000), vram [0x0, 0x4000), tail [0x0, 0x4000)',
      'heap [0x0, 0x8000)',
      'vram [0x0, 0x4000)',
      'tail [0x800, 0x1800)',
      'the whole transaction',
      'heap [0x0, 0x8000)',
      'tail [0x0, 0x4000)',
    ])
  })

  it('prints a step it does not know as its op and its fields', async () => {
    const plan = await loadExample('rdma-mr')
    const later = { op: 'set-dma-window', tx: 'mr', bits: 40, mask: 0xffffffffffn, at: 'plan.ts:3:4' } as unknown as Step
    const withLaterStep: Plan = { ...plan, steps: [later, ...plan.steps] }
    expect(stepWhat(later, withLaterStep)).toEqual({ tx: 'mr', what: 'tx=mr, bits=40, mask=0xffffffffff' })
  })

  it('names a driver step by the value it sets, and each step by the kernel calls it made', async () => {
    const plan = await loadExample('rdma-mr')
    const narrowed: Plan = { ...plan, steps: [{ op: 'set-dma-mask', bits: 40 }, ...plan.steps] }
    expect(stepWhat({ op: 'set-dma-mask', bits: 40 }, narrowed)).toEqual({ tx: undefined, what: 'DMA_BIT_MASK(40)' })
    const html = timelineSection(runPlan(narrowed).result, narrowed, (tx) => `tx-${tx}`)
    expect(html).toMatch(/data-step="0" data-op="set-dma-mask">.*<td class="mono">dma_set_mask_and_coherent<\/td>/)
    expect(html).toMatch(/data-step="1" data-op="map" data-tx="mr">.*<td class="mono">hmm_dma_map_alloc, /)
  })
})
