/** p2p-bus: switch-local P2P memory by PCI bus address only (rule R3). */
import type { StrategyDef } from '../../codegen/strategies/strategy.js'
import { whole } from '../../codegen/strategies/strategy.js'
import { p2pBus as descriptor } from './index.js'

export const p2pBus: StrategyDef = {
  strategy: descriptor.name,
  summary: descriptor.summary,
  slices: (bufs) => whole('bus', bufs),
}
