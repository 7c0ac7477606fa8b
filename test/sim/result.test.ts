/**
 * The result document: schema-valid, JSON-stable, 64-bit exact, with a
 * readable summary.
 */
import { describe, expect, it } from 'vitest'
import { platform } from '../../src/dsl/platform.js'
import { formatSummary, resultToJson, simResultJsonSchema, simResultSchema, simulate } from '../../src/sim/index.js'
import { map, ram, run, unmap } from './helpers.js'

describe('simulation result', () => {
  const { result } = run({ regions: [ram('a', 0x2000)], steps: [map('t', 'iova', ['a']), { op: 'device-write', tx: 't', region: 'a' }, unmap('t')] })

  it('validates against its schema and survives a JSON round trip unchanged', () => {
    expect(simResultSchema.safeParse(result).success).toBe(true)
    const json = resultToJson(result)
    const back = JSON.parse(json)
    expect(simResultSchema.parse(back)).toEqual(result)
    expect(resultToJson(simResultSchema.parse(back))).toBe(json)
  })

  it('has a JSON Schema', () => {
    const s = simResultJsonSchema()
    expect(s.title).toBe('dmaplan simulation result')
    expect(JSON.stringify(s)).toContain('"transactions"')
  })

  it('writes 64-bit values as hex strings, exact past 2^53', () => {
    const r = run({ addressWidth: 64, device: { dmaMask: 64, pci: false }, regions: [ram('a', 0x1000)], steps: [map('t', 'page', ['a']), unmap('t')] }).result
    expect(r.transactions[0]?.segments[0]?.dma).toBe('0xfffffffffffff000')
    expect(r.device.dmaMask).toBe('0xffffffffffffffff')
  })

  it('prints a readable summary', () => {
    const s = formatSummary(result)
    expect(s).toMatch(/^dmaplan simulate: plan test on Linux 7\.0: OK/)
    expect(s).toMatch(/transaction t \(iova, bidirectional\): unmapped; path iova/)
    expect(s).toMatch(/calls \(4\): dma_iova_try_alloc, dma_iova_link, dma_iova_sync, dma_iova_destroy/)
    expect(s).toMatch(/teardown: nothing left mapped/)
  })

  it('is deterministic: the same plan gives the same document', () => {
    const again = run({ regions: [ram('a', 0x2000)], steps: [map('t', 'iova', ['a']), { op: 'device-write', tx: 't', region: 'a' }, unmap('t')] }).result
    expect(resultToJson(again)).toBe(resultToJson(result))
  })

  it('runs plans built with the DSL', () => {
    const host = platform({ kernel: '7.0', iommu: { mode: 'translated' } })
    const nic = host.device('mlx5_0', { dmaMask: 64 })
    const buf = host.ram('buf', { pages: 4 })
    const plan = host.plan(nic).transaction('rx', { strategy: 'iova', dir: 'from-device' }, [buf]).deviceWrites('rx', buf).unmap('rx').cpuReads(buf).build()
    const r = simulate(plan)
    expect(r.ok).toBe(true)
    expect(r.data.checks).toBe(1)
  })
})
