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
    '## Adding a rule',
    '',
    'A file `src/plan/rules/r<N>-<what>.ts` holds the rule: its id, its explanation (above), its',
    'sentence writers (each a function and a type of the same name, so the compiler keeps both',
    'worlds\' wording equal), its run-time check, which returns `{ rule, text }`, and its type-level',
    'check beside it (a type that is the argument\'s own type when the rule holds and the sentence',
    'when it does not), or its cells of a table both levels read (the kind table in verdicts.ts, from',
    'the strategy descriptors). It takes one line in registry.ts, its place in validate.ts (a region',
    'check in the type-level order, or a step of the walker) and the same place in the builder\'s',
    'types (src/dsl/types/checks.ts puts the checks together, context.ts the platform\'s tables).',
    'A test names a rule that lacks its run-time tests (test/plan/validate-r<N>.test.ts), its',
    'type-level tests (test-d/) or its invalid fixture (test/fixtures/invalid/r<N>.ts, and',
    'examples/invalid/r<N>-*.ts for the README\'s table). `npm run schema` rewrites this page.',
    '',
  ].join('\n')
}
