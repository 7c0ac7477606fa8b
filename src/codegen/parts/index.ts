/** Every part, by id. A new part is a new file here and a line below. */
import { blk } from './blk.js'
import { bus } from './bus.js'
import { coherent } from './coherent.js'
import { hmm } from './hmm.js'
import { iova } from './iova.js'
import { page } from './page.js'
import type { PartDef, PartId } from './part.js'
import { auto } from './auto.js'
import { sg } from './sg.js'

export const PARTS: Readonly<Record<PartId, PartDef>> = { page, iova, sg, bus, hmm, blk, coherent, auto }

export type { PartDef, PartId, CallSpec, CallSite, PseudoSite } from './part.js'
