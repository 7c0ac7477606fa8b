/**
 * docs/rules.md, written from the rule files (registry.ts lists them) so
 * that each rule's explanation has one home; `npm run schema` writes it and
 * a test keeps the committed copy current. It says what `dmaplan explain`
 * says, for every rule.
 */
import { RULE_IDS, RULES } from './registry.js'
import type { RuleInfo } from './registry.js'

const section = (r: RuleInfo): string[] => [
  `## ${r.id}: ${r.title}`,
  '',
  r.rule,
  '',
  `**Why.** ${r.why}`,
  '',
  '**Kernel.**',
  '',
  ...r.kernel.map((k) => `- \`${k}\``),
  '',
  `**What to do.** ${r.instead}`,
  '',
]

export function rulesMarkdown(): string {
  return [
    '# Rules',
    '',
    '<!-- Written by `npm run schema` from src/plan/rules/r*-*.ts; edit those. -->',
    '',
    `A plan that breaks a rule is refused before anything is simulated or generated: by the compiler`,
    'at the builder call that breaks it (the diagnostic is the rule\'s sentence), and at run time by',
    '`validatePlan()` and `dmaplan check` for plans the compiler did not see (JSON plans, numbers',
    'that are not literals). Both speak the same sentences, which start with the rule id.',
    `\`dmaplan explain <id>\` prints one rule as below. The rules are ${RULE_IDS.join(', ')}.`,
    '',
    ...RULE_IDS.flatMap((id) => section(RULES[id])),
  ].join('\n')
}
