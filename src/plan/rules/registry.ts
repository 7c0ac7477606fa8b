/**
 * The rules, one file each (src/plan/rules/r<n>-*.ts): what each one says,
 * why the kernel behaves that way, and what to do instead. The one-line
 * `rule` is the sentence of the README's rule table; `dmaplan explain` and
 * docs/rules.md read this list. A new rule is a new file and one line here.
 */
import { R1 } from './r1-iova-needs-iommu.js'
import { R2 } from './r2-one-memory-kind.js'
import { R3 } from './r3-bus-address-p2p.js'
import { R4 } from './r4-unreachable-p2p.js'
import { R5 } from './r5-encrypted-bounces.js'
import { R6 } from './r6-iova-granule.js'
import { R7 } from './r7-direction-ownership.js'
import { R8 } from './r8-lifecycle.js'
import { R9 } from './r9-kernel-features.js'
import { R10 } from './r10-blk-one-way.js'
import { R11 } from './r11-coherent-own-region.js'
import { R12 } from './r12-blk-queue-limits.js'

export interface RuleInfo<Id extends string = RuleId> {
  readonly id: Id
  readonly title: string
  readonly rule: string
  readonly why: string
  readonly kernel: readonly string[]
  readonly instead: string
  /** Only the run time checks the rule: the types do not carry what it reads. */
  readonly runTimeOnly?: true
}

/** Every rule by its id, in the order of the ids. */
export const RULES = { R1, R2, R3, R4, R5, R6, R7, R8, R9, R10, R11, R12 } as const satisfies { readonly [Id in string]: RuleInfo<Id> }

export type RuleId = keyof typeof RULES
export const RULE_IDS = Object.keys(RULES) as readonly RuleId[]
/** The ids as the command line's help names them, first to last ("R1-R11"). */
export const RULE_RANGE = `${RULE_IDS[0]}-${RULE_IDS[RULE_IDS.length - 1]}`
