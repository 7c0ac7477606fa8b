/** page: every buffer mapped on its own; the C tells MMIO (host-bridge P2P) buffers apart. */
import type { StrategyDef } from './strategy.js'
import { whole } from './strategy.js'

export const page: StrategyDef = {
  strategy: 'page',
  summary: 'page: each buffer mapped on its own',
  slices: (bufs, ctx) => whole('page', bufs, ctx.attrs),
}
