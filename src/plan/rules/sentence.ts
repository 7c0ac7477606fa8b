/**
 * Every rule's sentence starts with "<rule id>: " (messages.ts), so that a
 * compiler diagnostic names its rule. The command line prints the id in a
 * column of its own, then the rest of the sentence: the id comes from the
 * finding's data, never from its text.
 */
export function withoutRuleId(rule: string, text: string): string {
  const prefix = `${rule}: `
  return text.startsWith(prefix) ? text.slice(prefix.length) : text
}
