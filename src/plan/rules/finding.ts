/** What a rule's run-time check found: the rule's id, set by the rule itself, and its sentence. */
import type { RuleId } from './registry.js'

export interface Finding {
  readonly rule: RuleId
  readonly text: string
}
