/** Every strategy of the plan IR, by name: a missing one is a type error. */
import type { Strategy } from '../../plan/ir.js'
import { auto } from './auto.js'
import { blk } from './blk.js'
import { coherent } from './coherent.js'
import { hmm } from './hmm.js'
import { iova } from './iova.js'
import { p2pBus } from './p2p-bus.js'
import { page } from './page.js'
import { sg } from './sg.js'
import type { StrategyDef } from './strategy.js'

export const STRATEGIES: Readonly<Record<Strategy, StrategyDef>> = { iova, page, sg, 'p2p-bus': p2pBus, hmm, blk, coherent, auto }

export type { StrategyDef, StrategyContext, SliceSpec } from './strategy.js'
