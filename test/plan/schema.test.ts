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
    expect(issues({})[0]).toMatch(/^format: /)
    expect(issues(jsonPlan({ steps: [op('unmap', { tx: 'bad-name' })] }))[0]).toMatch(/^steps\.0\.tx: must be a C identifier/)
    expect(issues(jsonPlan({ regions: [{ name: 'buf', memory: 'ram', bytes: '0x1' }, { name: 'buf', memory: 'ram', bytes: '0x1' }], steps: [] }))).toContain('regions.1.name: region buf is declared twice')
    expect(issues(jsonPlan({ regions: [{ name: 'buf', memory: 'ram', bytes: '0x10000000000000000' }], steps: [] }))[0]).toMatch(/past 2\^64-1/)
    expect(issues(jsonPlan({ regions: [{ name: 'buf', memory: 'ram', bytes: -5 }], steps: [] }))[0]).toMatch(/negative/)
    expect(issues(jsonPlan({ regions: [{ name: 'v', memory: 'p2p', provider: 'dev0', bytes: '0x1000' }], steps: [] }))[0]).toMatch(/provides no P2P memory/)
    expect(issues(jsonPlan({ steps: [map('t', 'page', 'to-device', ['nope'])] }))[0]).toMatch(/names region nope, which the plan does not declare/)
    expect(issues(jsonPlan({ steps: [map('t', 'page', 'to-device', ['buf']), op('device-read', { tx: 't', region: 'buf', offset: '0x8000' })] }))[0]).toMatch(/touches bytes 0x8000/)
    expect(issues(jsonPlan({ steps: [map('t', 'hmm', 'bidirectional', ['buf']), op('hmm-fault', { tx: 't', index: 9 })] }))[0]).toMatch(/page 9 of hmm transaction t, which mirrors 4 pages/)
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
