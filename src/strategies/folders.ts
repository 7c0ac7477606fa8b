/**
 * The descriptor of every strategy, by name; each is its folder's index.ts
 * (src/strategies/<name>/index.ts). Generated from those folders by
 * scripts/strategy-registries.mjs (run by `npm run schema`); do not edit.
 */
import type { StrategyDescriptor } from './descriptor.js'
import { auto } from './auto/index.js'
import { blk } from './blk/index.js'
import { coherent } from './coherent/index.js'
import { hmm } from './hmm/index.js'
import { iova } from './iova/index.js'
import { p2pBus } from './p2p-bus/index.js'
import { page } from './page/index.js'
import { sg } from './sg/index.js'

export const FOLDERS = {
  auto: auto,
  blk: blk,
  coherent: coherent,
  hmm: hmm,
  iova: iova,
  'p2p-bus': p2pBus,
  page: page,
  sg: sg,
} as const satisfies Readonly<Record<string, StrategyDescriptor>>
