/** The strategies (docs/strategies.md), by name. Adding one is adding a file and a line here. */
import type { Strategy } from '../../plan/ir.js'
import { mapAuto } from './auto.js'
import { mapBlk } from './blk.js'
import { mapCoherent } from './coherent.js'
import { mapHmm } from './hmm.js'
import { mapIova } from './iova.js'
import { mapP2pBus } from './p2p-bus.js'
import { mapPage } from './page.js'
import { mapSg } from './sg.js'
import type { StrategyFn } from './strategy.js'

export const STRATEGIES: Readonly<Record<Strategy, StrategyFn>> = {
  iova: mapIova,
  page: mapPage,
  sg: mapSg,
  'p2p-bus': mapP2pBus,
  hmm: mapHmm,
  blk: mapBlk,
  coherent: mapCoherent,
  auto: mapAuto,
}
