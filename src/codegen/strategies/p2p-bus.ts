/** p2p-bus: switch-local P2P memory by PCI bus address only (rule R3). */
import type { StrategyDef } from './strategy.js'
import { whole } from './strategy.js'

export const p2pBus: StrategyDef = {
  strategy: 'p2p-bus',
  summary: 'p2p-bus: peer memory below a common switch, by PCI bus address',
  slices: (bufs) => whole('bus', bufs),
}
