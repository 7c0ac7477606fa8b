/** Every part, by id; each lives in the folder of the strategy it is named after (src/strategies/<name>/part.ts). */
import { auto } from '../../strategies/auto/part.js'
import { blk } from '../../strategies/blk/part.js'
import { coherent } from '../../strategies/coherent/part.js'
import { hmm } from '../../strategies/hmm/part.js'
import { iova } from '../../strategies/iova/part.js'
import { bus } from '../../strategies/p2p-bus/part.js'
import { page } from '../../strategies/page/part.js'
import { sg } from '../../strategies/sg/part.js'
import type { PartDef, PartId } from './part.js'

export const PARTS: Readonly<Record<PartId, PartDef>> = { page, iova, sg, bus, hmm, blk, coherent, auto }

export type { PartDef, PartId, CallSpec, CallSite, PseudoSite } from './part.js'
