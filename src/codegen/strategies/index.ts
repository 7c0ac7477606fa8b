/**
 * The generator's side of every strategy, by name; each lives in its strategy's folder
 * (src/strategies/<name>/gen.ts). Generated from those folders by
 * scripts/strategy-registries.mjs (run by `npm run schema`); do not edit.
 */
import type { Strategy } from '../../plan/ir.js'
import { auto } from '../../strategies/auto/gen.js'
import { blk } from '../../strategies/blk/gen.js'
import { coherent } from '../../strategies/coherent/gen.js'
import { hmm } from '../../strategies/hmm/gen.js'
import { iova } from '../../strategies/iova/gen.js'
import { p2pBus } from '../../strategies/p2p-bus/gen.js'
import { page } from '../../strategies/page/gen.js'
import { sg } from '../../strategies/sg/gen.js'
import type { StrategyDef } from './strategy.js'

export const STRATEGIES = {
  auto: auto,
  blk: blk,
  coherent: coherent,
  hmm: hmm,
  iova: iova,
  'p2p-bus': p2pBus,
  page: page,
  sg: sg,
} as const satisfies Readonly<Record<Strategy, StrategyDef>>

export type { StrategyDef, StrategyContext, SliceSpec } from './strategy.js'
