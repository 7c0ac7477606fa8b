/** dmaplan compare: every transaction under every applicable strategy, with the rule for the others. */
import { describe, expect, it } from 'vitest'
import { compareStrategies } from '../../src/sim/index.js'
import { dmaplan } from '../support/cli.js'
import { loadExample } from '../support/examples.js'
import { ROOT } from '../support/fixtures.js'

describe('dmaplan compare', () => {
  it('puts the strategies side by side and marks the planned one', () => {
    const r = dmaplan(['compare', 'examples/sg-coalesce.ts'])
    expect(r.status).toBe(0)
    expect(r.stdout).toMatch(/^transaction io \(planned: sg\)/)
    expect(r.stdout).toMatch(/ sg\* /)
    // E1: the IOMMU coalesces the list into one segment; per-range mapping gives three.
    expect(r.stdout).toMatch(/hw segments\s+3\s+1\s+3\s+3/)
    expect(r.stdout).toMatch(/iova: R1: strategy iova needs kernel 6\.16 or later/)
  })

  it('gives the same comparison as JSON', () => {
    const r = dmaplan(['compare', 'examples/auto-dispatch.ts', '--json'])
    expect(r.status).toBe(0)
    const json = JSON.parse(r.stdout) as { transactions: { tx: string; rows: { strategy: string; refused?: string; segments?: number }[] }[] }
    const peer = json.transactions.find((t) => t.tx === 'peer')
    expect(peer?.rows.find((x) => x.strategy === 'iova')?.refused).toMatch(/^R3: near_buf is P2P memory of gpu0/)
    expect(peer?.rows.find((x) => x.strategy === 'p2p-bus')?.segments).toBe(1)
  })
})

describe('compareStrategies (library)', () => {
  it('returns the figures of every strategy as typed rows', async () => {
    const [c, ...more] = compareStrategies(await loadExample(`${ROOT}/examples/sg-coalesce.ts`))
    expect(more).toEqual([])
    expect(c?.tx).toBe('io')
    expect(c?.planned).toBe('sg')
    expect(c?.alike).toEqual([])
    expect(c?.rows.map((r) => r.strategy)).toEqual(['iova', 'page', 'sg', 'p2p-bus', 'hmm', 'blk', 'coherent', 'auto'])
    expect(c?.rows.find((r) => r.strategy === 'sg')).toEqual({
      strategy: 'sg',
      ok: true,
      status: 'unmapped',
      path: 'sg (3 entries -> 1 segments)',
      calls: 4,
      iovaPages: 4,
      pteWrites: 6,
      iotlbFlushes: 1,
      bounceBytes: 0,
      segments: 1,
      metadataBytes: 112,
      findings: 0,
    })
    expect(c?.rows.find((r) => r.strategy === 'hmm')).toEqual({ strategy: 'hmm', refused: 'R9: strategy hmm for ahci0 needs kernel 6.16 or later, but this plan targets 6.12.' })
  })
})
