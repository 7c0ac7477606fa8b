/**
 * Every strategy, in the order the plan's schema, the command line and the
 * tables list them. Adding a strategy is adding its folder (index.ts, sim.ts,
 * gen.ts, part.ts: docs/strategies.md) and its entry here. The layers that
 * run a strategy (src/sim, src/codegen) find it by its folder: their
 * registries are written from the folders by `npm run schema`, and typed
 * `satisfies Record<StrategyName, …>`, so a folder not yet written into them
 * is a type error naming it.
 */
import { auto } from './auto/index.js'
import { blk } from './blk/index.js'
import { coherent } from './coherent/index.js'
import type { StrategyDescriptor } from './descriptor.js'
import { hmm } from './hmm/index.js'
import { iova } from './iova/index.js'
import { p2pBus } from './p2p-bus/index.js'
import { page } from './page/index.js'
import { sg } from './sg/index.js'

export const DESCRIPTORS = [iova, page, sg, p2pBus, hmm, blk, coherent, auto] as const satisfies readonly StrategyDescriptor[]

type Descriptors = (typeof DESCRIPTORS)[number]
export type StrategyName = Descriptors['name']

/** Each strategy's descriptor, by name, with its literal types. */
export type DescriptorOf = { readonly [D in Descriptors as D['name']]: D }

export const STRATEGY_NAMES = DESCRIPTORS.map((d) => d.name) as unknown as readonly [StrategyName, ...StrategyName[]]

export const DESCRIPTOR: DescriptorOf = Object.fromEntries(DESCRIPTORS.map((d) => [d.name, d])) as unknown as DescriptorOf

/** The descriptor of a strategy, typed by what every descriptor has. */
export function descriptor(name: StrategyName): StrategyDescriptor {
  return DESCRIPTOR[name]
}

export type { KindVerdict, StrategyDescriptor } from './descriptor.js'
