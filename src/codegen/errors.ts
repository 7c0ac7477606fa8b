/**
 * Why the generator wrote nothing. A plan that breaks a rule throws the
 * DSL's PlanRuleError (the rules' own sentences); a name that is not a C
 * identifier throws PlanShapeError; a plan the kernel API cannot express in
 * C throws CodegenError. All three carry sentences only.
 */
export { PlanRuleError, PlanShapeError } from '../dsl/errors.js'
import { SentencesError } from '../dsl/errors.js'

/** The plan is valid but asks for something the generated driver cannot do. */
export class CodegenError extends SentencesError {
  constructor(issues: readonly string[]) {
    super('CodegenError', issues)
  }
}
