/**
 * A strategy written against the machine instead of the API: each line the
 * surface test (driver-surface.test.ts) must refuse. Never imported by src/.
 */
import { mapPhys } from '../../src/sim/dma/mapping.js'
import type { MapOutcome, TxContext } from '../../src/sim/strategies/strategy.js'

export function mapByReach(ctx: TxContext): MapOutcome {
  const { api, m, regions } = ctx
  const g = BigInt(m.domain?.granule ?? 4096)
  const r = regions[0]
  if (r === undefined) return { ok: false, error: 'no region' }
  const addr = mapPhys(api.env, r.phys, r.bytes, ctx.dir, 0)
  api.trace.record('dma_map_phys', {}, addr)
  m.forgetMapping(addr, g)
  return { ok: false, error: m.dev.dmaIommu ? 'iommu' : 'direct' }
}
