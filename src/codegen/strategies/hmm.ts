/** hmm: one mirror of every page of every buffer; HMM chooses the attributes itself. */
import type { StrategyDef } from './strategy.js'
import { whole } from './strategy.js'

export const hmm: StrategyDef = {
  strategy: 'hmm',
  summary: 'hmm: a mirror of pages, each linked on its own, host and peer pages mixed',
  slices: (bufs) => whole('hmm', bufs),
}
