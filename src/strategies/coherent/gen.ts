/** coherent: the buffers are coherent allocations, for rings and descriptors. */
import type { StrategyDef } from '../../codegen/strategies/strategy.js'
import { whole } from '../../codegen/strategies/strategy.js'
import { coherent as descriptor } from './index.js'
import { coherent as part } from './part.js'

export const coherent: StrategyDef = {
  strategy: descriptor.name,
  summary: descriptor.summary,
  part,
  slices: (bufs) => whole('coherent', bufs),
}
