/**
 * The simulator's path of every strategy, by name; each lives in its strategy's folder
 * (src/strategies/<name>/sim.ts). Generated from those folders by
 * scripts/strategy-registries.mjs (run by `npm run schema`); do not edit.
 */
import type { Strategy } from '../../plan/ir.js'
import { mapAuto } from '../../strategies/auto/sim.js'
import { mapBlk } from '../../strategies/blk/sim.js'
import { mapCoherent } from '../../strategies/coherent/sim.js'
import { mapHmm } from '../../strategies/hmm/sim.js'
import { mapIova } from '../../strategies/iova/sim.js'
import { mapP2pBus } from '../../strategies/p2p-bus/sim.js'
import { mapPage } from '../../strategies/page/sim.js'
import { mapSg } from '../../strategies/sg/sim.js'
import type { StrategyFn } from './strategy.js'

export const STRATEGIES = {
  auto: mapAuto,
  blk: mapBlk,
  coherent: mapCoherent,
  hmm: mapHmm,
  iova: mapIova,
  'p2p-bus': mapP2pBus,
  page: mapPage,
  sg: mapSg,
} as const satisfies Readonly<Record<Strategy, StrategyFn>>
