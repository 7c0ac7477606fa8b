/** A compiler diagnostic as check reports it, whichever compiler gave it: the rule it quotes, or the compiler's own code (with the DSL's sentence where it quotes one). */
import type { Located } from './location.js'
import { QUOTED_NAME_SENTENCE } from '../plan/names.js'

/** The rule's sentence is the string literal type the compiler quotes: "Rn: ..." (sentences never contain a double quote). */
const RULE_SENTENCE = /"(R\d+): ([^"]*)"/

/** text: the message chain, its lines joined by newlines, elaborations indented below. */
export function fromDiagnostic(where: string, code: number, text: string): Located {
  const rule = text.match(RULE_SENTENCE)
  if (rule) return { where, rule: rule[1] as string, message: `${rule[1]}: ${rule[2]}` }
  // A name or a literal the DSL's types refuse: its sentence, not the compiler's wrapping of it.
  const sentence = text.match(QUOTED_NAME_SENTENCE)
  return { where, rule: `TS${code}`, message: sentence ? (sentence[1] as string) : (text.split('\n')[0] as string) }
}
