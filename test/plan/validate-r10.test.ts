/**
 * R10 at run time (src/plan/rules/r10-blk-one-way.ts): a block request moves
 * data one way, so a bidirectional blk transaction is refused with the same
 * sentence the builder's type speaks (test-d/r10-blk-one-way.test-d.ts).
 */
import { describe, expect, it } from 'vitest'
import { decodePlan } from '../../src/plan/load.js'
import { RULES } from '../../src/plan/rules/registry.js'
import { validatePlan } from '../../src/plan/rules/validate.js'
import { jsonPlan, map, op } from '../support/plans.js'

function findings(json: Record<string, unknown>) {
  const d = decodePlan(json)
  if (!d.ok) throw new Error(d.issues.map((i) => `${i.path}: ${i.message}`).join('\n'))
  return validatePlan(d.plan).map((v) => ({ rule: v.rule, text: v.text, step: v.step }))
}

const unmap = (tx: string) => op('unmap', { tx })

describe('R10 a block request moves data one way', () => {
  it('refuses a bidirectional blk transaction at its map step', () => {
    expect(findings(jsonPlan({ steps: [map('rq', 'blk', 'bidirectional', ['buf']), unmap('rq')] }))).toEqual([
      {
        rule: 'R10',
        text: 'R10: transaction rq of dev0 is a bidirectional blk transaction, but a block request moves data one way (rq_dma_dir() is DMA_TO_DEVICE or DMA_FROM_DEVICE); map it to-device or from-device, or use another strategy.',
        step: 0,
      },
    ])
  })

  it('accepts blk in either one-way direction, and other strategies bidirectional', () => {
    expect(findings(jsonPlan({ steps: [map('rq', 'blk', 'to-device', ['buf']), op('device-read', { tx: 'rq', region: 'buf' }), unmap('rq')] }))).toEqual([])
    expect(findings(jsonPlan({ steps: [map('rq', 'blk', 'from-device', ['buf']), op('device-write', { tx: 'rq', region: 'buf' }), unmap('rq')] }))).toEqual([])
    expect(findings(jsonPlan({ steps: [map('t', 'page', 'bidirectional', ['buf']), unmap('t')] }))).toEqual([])
  })

  it('is explained: the rule, the kernel code and what to do', () => {
    expect(RULES.R10.id).toBe('R10')
    expect(RULES.R10.kernel).toEqual([
      'include/linux/blk-mq.h: rq_dma_dir()',
      'block/blk-mq-dma.c: blk_dma_map_direct(), blk_rq_dma_map_iova()',
      'include/linux/blk-mq-dma.h: blk_rq_dma_unmap()',
    ])
  })
})
