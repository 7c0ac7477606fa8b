/**
 * Errors the DSL throws at run time. Both carry sentences only: the rule's
 * sentence for a broken rule, a plain sentence for a malformed plan.
 */
import type { Violation } from '../plan/rules/validate.js'

/** The plan breaks rules (src/plan/rules) in ways the type checker could not see. */
export class PlanRuleError extends Error {
  readonly violations: readonly Violation[]
  constructor(violations: readonly Violation[]) {
    super(violations.map((v) => (v.at ? `${v.at} ${v.text}` : v.text)).join('\n'))
    this.name = 'PlanRuleError'
    this.violations = violations
  }
}

/** An error made of sentences, one per problem. */
export class SentencesError extends Error {
  readonly issues: readonly string[]
  constructor(name: string, issues: readonly string[]) {
    super(issues.join('\n'))
    this.name = name
    this.issues = issues
  }
}

/** The plan is malformed: a name, a reference or a number is not what the IR accepts. */
export class PlanShapeError extends SentencesError {
  /** Where the call that gave the value was written (file:line:col), when the loader asked for call sites. */
  readonly at: string | undefined
  constructor(issues: readonly string[], at?: string) {
    super('PlanShapeError', issues)
    this.at = at
  }
}
