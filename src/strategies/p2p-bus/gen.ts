/** p2p-bus: switch-local P2P memory by PCI bus address only (rule R3). */
import type { StrategyDef } from '../../codegen/strategies/strategy.js'
import { whole } from '../../codegen/strategies/strategy.js'
import { p2pBus as descriptor } from './index.js'
import { bus as part } from './part.js'

export const p2pBus: StrategyDef = {
  strategy: descriptor.name,
  summary: descriptor.summary,
  part,
  slices: (bufs) => whole('p2p-bus', bufs),
}
