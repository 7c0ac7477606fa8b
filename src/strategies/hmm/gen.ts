/** hmm: one mirror of every page of every buffer; HMM chooses the attributes itself. */
import type { StrategyDef } from '../../codegen/strategies/strategy.js'
import { whole } from '../../codegen/strategies/strategy.js'
import { hmm as descriptor } from './index.js'
import { hmm as part } from './part.js'

export const hmm: StrategyDef = {
  strategy: descriptor.name,
  summary: descriptor.summary,
  part,
  slices: (bufs) => whole('hmm', bufs),
}
