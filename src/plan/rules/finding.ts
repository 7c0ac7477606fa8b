/**
 * What a rule's run-time check found: the rule's id, set by the rule itself,
 * and its sentence. The id is the rule file's own (`R1` in r1-*.ts); the
 * registry narrows it to the rules there are, so this file imports none.
 */
export type RuleIdOf<N extends number = number> = `R${N}`

export interface Finding<Id extends RuleIdOf = RuleIdOf> {
  readonly rule: Id
  readonly text: string
}
