/** A compiler diagnostic as check reports it, whichever compiler gave it: the rule it quotes, or the compiler's own code. */
import type { Located } from './location.js'

/** The rule's sentence is the string literal type the compiler quotes: "Rn: ..." (sentences never contain a double quote). */
const RULE_SENTENCE = /"(R\d+): ([^"]*)"/

/** text: the message chain, its lines joined by newlines, elaborations indented below. */
export function fromDiagnostic(where: string, code: number, text: string): Located {
  const rule = text.match(RULE_SENTENCE)
  return {
    where,
    rule: rule ? (rule[1] as string) : `TS${code}`,
    message: rule ? `${rule[1]}: ${rule[2]}` : (text.split('\n')[0] as string),
  }
}
