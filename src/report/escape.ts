/**
 * HTML escaping. Everything that comes from a plan or a result (names,
 * messages, kernel log lines) goes through here: names are C identifiers,
 * but messages and log lines are free text.
 */
const ENTITIES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' }

/** Text content and attribute values (both quotes escaped, so either quoting is safe). */
export function esc(text: string | number | bigint | boolean): string {
  return String(text).replace(/[&<>"']/g, (c) => ENTITIES[c] ?? c)
}
