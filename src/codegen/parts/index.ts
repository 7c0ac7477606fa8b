/**
 * Every part, by id: the part each strategy's generator carries (its folder's
 * part.ts), so a new strategy's part comes with its folder.
 */
import { STRATEGIES } from '../strategies/index.js'
import type { PartDef, PartId } from './part.js'

export const PARTS = Object.fromEntries(Object.values(STRATEGIES).map((s) => [s.part.id, s.part])) as Readonly<Record<PartId, PartDef>>

export type { PartDef, PartId, CallSpec, CallSite, PseudoSite } from './part.js'
