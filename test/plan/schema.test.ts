/** Decoding JSON plans: defaults, exact 64-bit values, sentences for malformed input, and the committed JSON Schema. */
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { planJsonSchema } from '../../src/plan/json-schema.js'
import { simResultJsonSchema } from '../../src/sim/index.js'
import { decodePlan, planToJson } from '../../src/plan/load.js'
import { ROOT } from '../support/fixtures.js'
import { jsonPlan, map, op } from '../support/plans.js'

const issues = (json: unknown) => {
  const d = decodePlan(json)
  return d.ok ? [] : d.issues.map((i) => `${i.path}: ${i.message}`)
}

describe('plan decoding', () => {
  it('fills the kernel defaults and keeps 64-bit values exact', () => {
    const d = decodePlan(jsonPlan({ regions: [{ name: 'buf', memory: 'ram', bytes: '0x1000', phys: '0xfffffffffffff000' }], steps: [map('t', 'page', 'to-device', ['buf']), op('unmap', { tx: 't' })] }))
    expect(d.ok).toBe(true)
    if (!d.ok) return
    expect(d.plan.platform.swiotlb.bytes).toBe(64n << 20n)
    expect(d.plan.devices[0]?.segmentBoundary).toBe(0xffffffffn)
    expect(d.plan.regions[0]?.phys).toBe(0xfffffffffffff000n)
    expect(Object.isFrozen(d.plan.steps[0])).toBe(true)
    // JSON round trip is the identity.
    const again = decodePlan(JSON.parse(planToJson(d.plan)))
    expect(again.ok && planToJson(again.plan)).toBe(planToJson(d.plan))
  })
  it('access steps without a length reach the end of the region', () => {
    const d = decodePlan(jsonPlan({ steps: [map('t', 'page', 'to-device', ['buf']), op('device-read', { tx: 't', region: 'buf', offset: '0x1000' }), op('unmap', { tx: 't' })] }))
    expect(d.ok && d.plan.steps[1]).toMatchObject({ offset: 0x1000n, bytes: 0x3000n })
  })
  it('refuses malformed plans with a sentence that names the place', () => {
    expect(issues({})[0]).toBe('format: must be "dmaplan.plan/v1"')
    expect(issues(jsonPlan({ steps: [op('unmap', { tx: 'bad-name' })] }))[0]).toBe('steps.0.tx: must be a C identifier: a letter or _, then letters, digits or _, at most 48 characters')
    expect(issues(jsonPlan({ regions: [{ name: 'buf', memory: 'ram', bytes: '0x1' }, { name: 'buf', memory: 'ram', bytes: '0x1' }], steps: [] }))).toContain('regions.1.name: region buf is declared twice')
    expect(issues(jsonPlan({ regions: [{ name: 'buf', memory: 'ram', bytes: '0x10000000000000000' }], steps: [] }))[0]).toBe('regions.0.bytes: 0x10000000000000000 is past 2^64-1')
    expect(issues(jsonPlan({ regions: [{ name: 'buf', memory: 'ram', bytes: -5 }], steps: [] }))[0]).toBe('regions.0.bytes: -5 is negative; addresses and sizes are unsigned')
    expect(issues(jsonPlan({ regions: [{ name: 'v', memory: 'p2p', provider: 'dev0', bytes: '0x1000' }], steps: [] }))[0]).toBe('regions.0.provider: P2P region v comes from device dev0, which provides no P2P memory')
    expect(issues(jsonPlan({ steps: [map('t', 'page', 'to-device', ['nope'])] }))[0]).toBe('steps.0.regions.0: step 1 (map) names region nope, which the plan does not declare')
    expect(issues(jsonPlan({ steps: [map('t', 'page', 'to-device', ['buf']), op('device-read', { tx: 't', region: 'buf', offset: '0x8000' })] }))[0]).toBe('steps.1.offset: step 2 (device-read) starts at byte 0x8000 of region buf, which has 0x4000 bytes')
    expect(issues(jsonPlan({ steps: [map('t', 'hmm', 'bidirectional', ['buf']), op('hmm-fault', { tx: 't', index: 9 })] }))[0]).toBe('steps.1.index: step 2 (hmm-fault) names page 9 of hmm transaction t, which mirrors 4 pages')
    // Only a confidential guest has private memory: elsewhere the model would encrypt what no rule expects to be.
    expect(issues(jsonPlan({ regions: [{ name: 'buf', memory: 'ram', encrypted: true, bytes: '0x1000' }], steps: [] }))[0]).toBe(
      'regions.0.encrypted: region buf is encrypted guest memory, but the platform is not a confidential guest; set platform.coco, or leave the region unencrypted',
    )
    expect(issues(jsonPlan({ platform: { coco: true }, regions: [{ name: 'buf', memory: 'ram', encrypted: true, bytes: '0x1000' }], steps: [] }))).toEqual([])
  })
  it('the committed JSON Schemas are the ones the schemas produce', () => {
    const committed = (name: string) => {
      const { $id: _, ...rest } = JSON.parse(readFileSync(join(ROOT, 'schema', name), 'utf8'))
      return rest
    }
    expect(committed('plan.schema.json')).toEqual(planJsonSchema())
    expect(committed('sim-result.schema.json')).toEqual(simResultJsonSchema())
  })
})
