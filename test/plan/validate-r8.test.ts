/** R8 at run time, on JSON plans (where the type checker never ran), with the exact sentences; the type-level side is test-d/r8-*.test-d.ts. */
import { describe, expect, it } from 'vitest'
import { jsonPlan, map, op } from '../support/plans.js'
import { violations, unmap } from './validate-support.js'

describe('R8 at run time', () => {
  it('R8 lifecycle', () => {
    expect(violations(jsonPlan({ steps: [op('unmap', { tx: 'x' })] }))[0]).toMatch(/^R8: transaction x of dev0 is not mapped here/)
    expect(violations(jsonPlan({ steps: [map('t', 'page', 'to-device', ['buf']), unmap('t'), unmap('t')] }))[0]).toMatch(/^R8: transaction t of dev0 is already unmapped/)
    expect(violations(jsonPlan({ steps: [map('t', 'page', 'to-device', ['buf']), unmap('t'), map('t', 'page', 'to-device', ['buf']), unmap('t')] }))[0]).toMatch(/^R8: transaction t of dev0 already exists/)
    expect(violations(jsonPlan({ steps: [map('t', 'page', 'to-device', ['buf'])] }))).toEqual([
      "R8: the plan ends with transaction t of dev0 still mapped; unmap it, or call .keep('t') to keep the mapping on purpose.",
    ])
    expect(violations(jsonPlan({ steps: [map('t', 'page', 'to-device', ['buf']), op('keep', { tx: 't' })] }))).toEqual([])
    const two = [{ name: 'buf', memory: 'ram', bytes: '0x1000' }, { name: 'other', memory: 'ram', bytes: '0x1000' }]
    expect(violations(jsonPlan({ regions: two, steps: [map('t', 'page', 'to-device', ['buf']), op('device-read', { tx: 't', region: 'other' }), unmap('t')] }))[0]).toMatch(/^R8: other is not mapped by transaction t; dev0 reaches memory only through a transaction that maps it\.$/)
    expect(violations(jsonPlan({ steps: [map('t', 'page', 'bidirectional', ['buf']), op('hmm-fault', { tx: 't', index: 0 }), unmap('t')] }))[0]).toMatch(/^R8: transaction t of dev0 is mapped with page, but HMM faults and invalidations need an hmm transaction\.$/)
  })

  it('R8 the DMA mask changes only while no streaming transaction is mapped (dma_setup_need_sync()), kept mappings included', () => {
    const mask = op('set-dma-mask', { bits: 32 })
    expect(violations(jsonPlan({ steps: [map('t', 'page', 'to-device', ['buf']), mask, unmap('t')] }))).toEqual([
      'R8: transaction t of dev0 is still mapped at this DMA mask change; dma_set_mask() decides afresh whether dev0 needs syncs, as if nothing had bounced (dma_setup_need_sync()): set the mask before mapping, or unmap t first.',
    ])
    expect(violations(jsonPlan({ steps: [map('t', 'page', 'to-device', ['buf']), op('keep', { tx: 't' }), mask] }))[0]).toMatch(/^R8: transaction t of dev0 is still mapped at this DMA mask change/)
    expect(violations(jsonPlan({ steps: [mask, map('t', 'page', 'to-device', ['buf']), unmap('t'), mask] }))).toEqual([])
    // A coherent allocation never syncs: what dma_setup_need_sync() decides does not reach it.
    expect(violations(jsonPlan({ steps: [map('ring', 'coherent', 'bidirectional', ['buf']), mask, unmap('ring')] }))).toEqual([])
    // The segment limits may change under a live mapping: they decide only what later mappings look like.
    const limits = [op('set-max-segment-size', { bytes: 4096 }), op('set-segment-boundary', { mask: '0xffff' }), op('set-min-align-mask', { mask: 0xfff })]
    expect(violations(jsonPlan({ steps: [map('t', 'page', 'to-device', ['buf']), ...limits, unmap('t')] }))).toEqual([])
  })

  it('R8 unlinking part of an iova transaction: only iova, once, and nothing of the region afterwards', () => {
    const two = [{ name: 'buf', memory: 'ram', bytes: '0x1000' }, { name: 'other', memory: 'ram', bytes: '0x1000' }]
    const plan = (steps: ReturnType<typeof op>[]) => violations(jsonPlan({ regions: two, steps: [map('t', 'iova', 'bidirectional', ['buf', 'other']), ...steps, unmap('t')] }))
    expect(plan([op('unlink', { tx: 't', region: 'buf' }), op('device-read', { tx: 't', region: 'other' }), op('cpu-read', { region: 'buf' })])).toEqual([])
    expect(plan([op('unlink', { tx: 't', region: 'buf' }), op('device-write', { tx: 't', region: 'buf' })])).toEqual([
      'R8: buf was unlinked from transaction t of dev0, so the device no longer reaches it through that transaction; unlink a region after its last use, or map it again in a transaction of its own.',
    ])
    expect(plan([op('unlink', { tx: 't', region: 'buf' }), op('unlink', { tx: 't', region: 'buf' })])[0]).toMatch(/^R8: buf was unlinked from transaction t of dev0, so it cannot be unlinked again/)
    expect(plan([op('unlink', { tx: 't', region: 'buf' }), op('sync-for-cpu', { tx: 't', region: 'buf' })])[0]).toMatch(/^R8: buf was unlinked from transaction t of dev0, so there is nothing of it left to sync/)
    expect(violations(jsonPlan({ steps: [map('t', 'page', 'to-device', ['buf']), op('unlink', { tx: 't', region: 'buf' }), unmap('t')] }))).toEqual([
      'R8: transaction t of dev0 is mapped with page, so buf cannot be unlinked: only an iova transaction unlinks part of its range (dma_iova_unlink).',
    ])
  })
})
