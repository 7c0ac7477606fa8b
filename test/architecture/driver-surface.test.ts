/**
 * A strategy's simulator path calls only what a driver can call
 * (driver-surface.ts): a reach into the simulated machine's internals
 * fails here.
 */
import { describe, expect, it } from 'vitest'
import { STRATEGY_NAMES } from '../../src/strategies/index.js'
import { ROOT } from '../support/fixtures.js'
import { strategyFiles, surfaceFindings } from './driver-surface.js'

describe("strategies' simulator paths", () => {
  it('are the sim.ts of every strategy and the shared pieces', () => {
    // Every strategy's, from the descriptors, so that a new strategy's path is checked without a line here.
    const paths = STRATEGY_NAMES.map((n) => `src/strategies/${n}/sim.ts`)
    expect(strategyFiles(ROOT)).toEqual(['src/sim/strategies/iova-sync.ts', 'src/sim/strategies/ranges.ts', 'src/sim/strategies/strategy.ts', ...paths].sort())
  })

  it('use only the API a driver calls', () => {
    expect(surfaceFindings(ROOT, strategyFiles(ROOT))).toEqual([])
  })

  it('refuse a reach into the machine (driver-surface-reach.ts)', () => {
    const f = 'test/architecture/driver-surface-reach.ts'
    expect(surfaceFindings(ROOT, [f])).toEqual([
      `${f}:5: imports mapPhys from src/sim/dma/mapping.ts`,
      `${f}:10: m.domain?.granule (IommuDomain.granule of src/sim/iommu/domain.ts)`,
      `${f}:10: m.domain (Machine.domain of src/sim/run/machine.ts)`,
      `${f}:13: api.env (DmaApi.env of src/sim/dma/api.ts)`,
      `${f}:14: api.trace.record (Trace.record of src/sim/trace.ts)`,
      `${f}:14: api.trace (DmaApi.trace of src/sim/dma/api.ts)`,
      `${f}:15: m.forgetMapping (Machine.forgetMapping of src/sim/run/machine.ts)`,
      `${f}:16: m.dev.dmaIommu (Device.dmaIommu of src/sim/dma/device.ts)`,
      `${f}:16: m.dev (Machine.dev of src/sim/run/machine.ts)`,
    ])
  })
})
