/** dmaplan plan: a .ts plan as the IR's JSON, which every verb then reads as it reads the .ts. */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { decodePlan } from '../../src/plan/load.js'
import { dmaplan } from '../support/cli.js'

const dir = mkdtempSync(join(tmpdir(), 'dmaplan-plan-verb-'))
afterAll(() => rmSync(dir, { recursive: true, force: true }))

describe('dmaplan plan', () => {
  it('prints a plan as JSON that decodes, and simulates as the .ts does', () => {
    const r = dmaplan(['plan', 'examples/rdma-mr.ts', '--json'])
    expect(r.status, r.stderr).toBe(0)
    const decoded = decodePlan(JSON.parse(r.stdout))
    expect(decoded.ok).toBe(true)
    // Where each step was written is the loader's, not the plan's.
    expect((JSON.parse(r.stdout) as { steps: object[] }).steps.filter((s) => 'at' in s)).toEqual([])
    expect(dmaplan(['plan', 'examples/rdma-mr.ts']).stdout).toBe(r.stdout)
    const file = join(dir, 'rdma-mr.json')
    writeFileSync(file, r.stdout)
    const fromJson = dmaplan(['simulate', file, '--json'])
    const fromTs = dmaplan(['simulate', 'examples/rdma-mr.ts', '--json'])
    expect(fromJson.status).toBe(0)
    expect(fromJson.stdout).toBe(fromTs.stdout)
  })
  it('prints a broken plan\'s sentences instead, exit 1', () => {
    const r = dmaplan(['plan', 'examples/invalid/r1-iova-without-iommu.ts'])
    expect(r.status).toBe(1)
    expect(r.stdout).toMatch(/^examples\/invalid\/r1-iova-without-iommu\.ts:\d+:\d+ R1 /)
  })
})
