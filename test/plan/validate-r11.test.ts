/**
 * R11 at run time (src/plan/rules/r11-coherent-own-region.ts): a coherent
 * transaction's region is mapped by no other transaction, with the same
 * sentences the builder's types speak (test-d/r11-coherent-own-region.test-d.ts).
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

describe('R11 coherent memory is mapped by its allocation alone', () => {
  it('refuses a streaming map of a region a coherent transaction allocated', () => {
    expect(findings(jsonPlan({ steps: [map('desc', 'coherent', 'bidirectional', ['buf']), map('rx', 'page', 'from-device', ['buf']), unmap('rx'), unmap('desc')] }))).toEqual([
      {
        rule: 'R11',
        text: 'R11: buf is allocated by coherent transaction desc, which dma_alloc_coherent() maps for dev0 until it is freed, so rx cannot also map it; give rx a region of its own.',
        step: 1,
      },
    ])
  })

  it('refuses a coherent allocation of a region mapped before, even once unmapped', () => {
    expect(findings(jsonPlan({ steps: [map('rx', 'page', 'from-device', ['buf']), unmap('rx'), map('desc', 'coherent', 'bidirectional', ['buf']), unmap('desc')] }))).toEqual([
      {
        rule: 'R11',
        text: 'R11: buf is mapped for dev0 by transaction rx, so coherent transaction desc cannot allocate it: dma_alloc_coherent() returns memory of its own; give desc a region of its own.',
        step: 2,
      },
    ])
  })

  it('accepts two coherent transactions of one region, and two streaming maps of one region', () => {
    expect(findings(jsonPlan({ steps: [map('a', 'coherent', 'bidirectional', ['buf']), map('b', 'coherent', 'bidirectional', ['buf']), unmap('b'), unmap('a')] }))).toEqual([])
    expect(findings(jsonPlan({ steps: [map('a', 'page', 'to-device', ['buf']), unmap('a'), map('b', 'sg', 'to-device', ['buf']), unmap('b')] }))).toEqual([])
  })

  it('is explained: the rule, the kernel code and what to do', () => {
    expect(RULES.R11.id).toBe('R11')
    expect(RULES.R11.kernel).toEqual([
      'kernel/dma/mapping.c: dma_alloc_attrs(), dma_free_attrs()',
      'include/linux/dma-mapping.h: dma_map_single_attrs()',
      'Documentation/core-api/dma-api-howto.rst: dma_alloc_coherent()',
    ])
  })
})
