/**
 * Text from the input (a file's bytes, an argument) quoted in a sentence,
 * with its control characters and line separators escaped as \uXXXX: the
 * sentence stays on one line whatever the input holds.
 */
export function printable(text: string): string {
  return text.replace(/[\u0000-\u001f\u007f-\u009f\u2028\u2029]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`)
}
