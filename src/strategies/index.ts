/**
 * Every strategy, in the order the plan's schema, the command line and the
 * tables list them. Adding a strategy is adding its folder (index.ts, sim.ts,
 * gen.ts, part.ts: docs/strategies.md), running `npm run schema`, which
 * writes the registries from the folders (folders.ts here, and the
 * simulator's and the generator's), and giving it its place in ORDER: the
 * one line written by hand. A folder without a place in ORDER is a type
 * error naming it.
 */
import { FOLDERS } from './folders.js'
import type { StrategyDescriptor } from './descriptor.js'
import type { JoinList } from '../plan/names.js'

type Folder = keyof typeof FOLDERS

/** Where each strategy appears in every list. */
const ORDER = ['iova', 'page', 'sg', 'p2p-bus', 'hmm', 'blk', 'coherent', 'auto'] as const satisfies readonly Folder[]

type Unplaced = Exclude<Folder, (typeof ORDER)[number]>
/** Compiles only when every folder has its place in ORDER. */
export const EVERY_FOLDER_PLACED: [Unplaced] extends [never] ? true : `the strategy ${Unplaced} has no place in ORDER` = true

/** The descriptors of a list of names, as a tuple in the list's order. */
type InOrder<T extends readonly Folder[]> = { readonly [I in keyof T]: (typeof FOLDERS)[T[I] & Folder] }

export const DESCRIPTORS = ORDER.map((n) => FOLDERS[n]) as unknown as InOrder<typeof ORDER>

/** The strategies as a sentence lists them: 'iova, page, ...'. */
export type StrategyList = JoinList<typeof ORDER>

type Descriptors = (typeof DESCRIPTORS)[number]
export type StrategyName = Descriptors['name']

/** Each strategy's descriptor, by name, with its literal types. */
export type DescriptorOf = { readonly [D in Descriptors as D['name']]: D }

export const STRATEGY_NAMES = DESCRIPTORS.map((d) => d.name) as unknown as readonly [StrategyName, ...StrategyName[]]

export const DESCRIPTOR: DescriptorOf = Object.fromEntries(DESCRIPTORS.map((d) => [d.name, d])) as unknown as DescriptorOf

/** A descriptor's summary without the leading `name: ` it carries for the generated C's comment. */
export function summaryText(d: StrategyDescriptor): string {
  return d.summary.slice(d.name.length + 2)
}

/** The descriptor of a strategy, typed by what every descriptor has. */
export function descriptor(name: StrategyName): StrategyDescriptor {
  return DESCRIPTOR[name]
}

export type { KindVerdict, StrategyDescriptor } from './descriptor.js'
