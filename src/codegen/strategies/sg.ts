/** sg: one scatterlist; the kernel maps P2P entries itself (bus address or through the host bridge). */
import type { StrategyDef } from './strategy.js'
import { whole } from './strategy.js'

export const sg: StrategyDef = {
  strategy: 'sg',
  summary: 'sg: one scatterlist mapped in one call, merged by the IOMMU where it can',
  slices: (bufs, ctx) => whole('sg', bufs, ctx.attrs),
}
